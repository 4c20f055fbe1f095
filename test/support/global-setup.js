// Starts PostgreSQL once for the whole run (embedded, unless DATABASE_URL is set), migrates a
// template database, and leaves its coordinates in the environment for every test worker, which
// clones one database per test file from the template (TESTING.md).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { freePort } = require('./free-port.js');
const { pidAlive } = require('./pid-alive.js');

const dist = path.resolve(__dirname, '..', '..', 'dist', 'libs', 'database', 'src');
const TEMPLATE = 'runner_template';

/** Throwaway test users (test/support/unix-users.ts) left by a run that crashed: their owner is gone. */
function removeLeftoverTestUsers() {
  const { execFileSync } = require('node:child_process');
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , , , , home] = line.split(':');
    if (!/^rnrt[0-9a-f]{6}$/.test(name)) continue;
    const owner = path.join(path.dirname(home), 'owner');
    if (fs.existsSync(owner) && pidAlive(Number(fs.readFileSync(owner, 'utf8')))) continue;
    fs.rmSync(`/etc/sudoers.d/${name}`, { force: true });
    try {
      execFileSync('userdel', ['-f', name], { stdio: 'pipe' });
    } catch {
      // already gone
    }
    if (path.basename(path.dirname(home)).startsWith('runner-users-')) fs.rmSync(path.dirname(home), { recursive: true, force: true });
  }
}

module.exports = async function globalSetup() {
  removeLeftoverTestUsers();
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('Run `npm run build` first (npm test does).');
  // Only the Nest-free modules: Jest's transform hooks are active here, and Nest is ESM-only.
  const { startEmbeddedPostgres } = require(path.join(dist, 'embedded-postgres.js'));
  const { createDataSource, migrate } = require(path.join(dist, 'data-source.js'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-pg-'));
    fs.chmodSync(dataDir, 0o755);
    const handle = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    globalThis.__RUNNER_PG__ = { handle, dataDir };
    adminUrl = handle.adminUrl;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE}`;
  const dataSource = await createDataSource(templateUrl.toString(), 2).initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  process.env.RUNNER_TEST_ADMIN_URL = adminUrl;
  process.env.RUNNER_TEST_TEMPLATE = TEMPLATE;
};
