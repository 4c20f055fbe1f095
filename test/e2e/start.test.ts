import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../support/free-port';
import { createTestDatabase } from '../support/database';
import { ApiClient, b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { startProcess, tempDir, TEST_ENCRYPTION_KEY } from '../support/processes';
import { createAndStart, processCommandLines, waitForStatus } from '../support/stack';
// The two Nest-free modules only (the package's index loads execa, which Jest cannot require).
import { SEALED_COLUMNS } from '../../libs/keys/src/sealed-columns';
import { SecretBox, sealedIn } from '../../libs/keys/src/secret-box';
import { createCipheriv, randomBytes } from 'node:crypto';

/** A value as sealed before values were bound to their rows (format v1: no associated data). */
function sealUnbound(key: Buffer, text: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return ['v1', nonce, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** What `npm start` does on a fresh machine: embedded PostgreSQL, api, worker, a printed admin login. */
describe('npm start (launcher)', () => {
  let dataDir: string;
  const running: ReturnType<typeof startProcess>[] = [];
  beforeAll(() => {
    dataDir = tempDir('runner-start-');
    // The embedded cluster runs as the `postgres` system user when we are root: let it in.
    fs.chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function launch(dir = dataDir, env: NodeJS.ProcessEnv = {}): Promise<{ client: ApiClient; launcher: ReturnType<typeof startProcess> }> {
    const port = await freePort();
    // In a process group of its own, as when started from a terminal (which signals the whole group).
    const launcher = startProcess('launcher', {
      PORT: String(port),
      RUNNER_LISTEN_HOST: '127.0.0.1',
      RUNNER_DATA_DIR: dir,
      RUNNER_EMBEDDED_PG_PORT: String(await freePort()),
      RUNNER_WORKER_SLOTS: '2',
      ...env,
    }, { detached: true });
    running.push(launcher);
    await launcher.waitFor(/"msg":"api listening"/);
    await launcher.waitFor(/"msg":"worker started"/);
    return { client: new ApiClient(`http://127.0.0.1:${port}`), launcher };
  }

  it('starts everything from nothing, prints the admin login once, and keeps data across a restart', async () => {
    const first = await launch();
    const printed = first.launcher.output().match(/username:\s+(\S+)\npassword:\s+(\S+)/);
    expect(printed).not.toBeNull();
    const [, username, password] = printed!;
    expect(username).toBe('admin');
    const login = await first.client.login(username, password);
    expect(login.accountAlias).toBe('DEMO');
    const job = await first.client.post('/v2/automation/jobs/DEMO', { description: 'survives', playbook: TRIVIAL_PLAYBOOK });
    expect(job.status).toBe(201);
    expect((await first.client.as().get('/readyz')).status).toBe(200);
    expect(await first.launcher.stop('SIGTERM')).toBe(0);
    // The key file and the database live in the data folder, the key readable by its owner only.
    expect(fs.statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);

    const second = await launch();
    try {
      expect(second.launcher.output()).not.toMatch(/password:/);
      await second.client.login(username, password);
      const again = await second.client.get(`/v2/automation/jobs/DEMO/${job.body.id}`);
      expect(again.status).toBe(200);
      expect(again.body.description).toBe('survives');
    } finally {
      await second.launcher.stop('SIGTERM');
    }
  });

  it('Ctrl-C with a run in flight: the run finishes, then the api, the worker and PostgreSQL stop', async () => {
    const dir = tempDir('runner-start-ctrlc-');
    fs.chmodSync(dir, 0o755);
    const env = { RUNNER_BOOTSTRAP_PASSWORD: 'admin-password-1' };
    try {
      const first = await launch(dir, env);
      await first.client.login('admin', 'admin-password-1');
      const { path: executionPath } = await createAndStart(first.client, 'DEMO', {
        playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 3\n'),
        hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } }],
      });
      await waitForStatus(first.client, executionPath, ['RUNNING']);
      // A terminal's Ctrl-C goes to the whole foreground process group; npm forwards it once more.
      process.kill(-first.launcher.child.pid!, 'SIGINT');
      process.kill(-first.launcher.child.pid!, 'SIGINT');
      expect(await first.launcher.exited).toBe(0);
      expect(first.launcher.output()).toMatch(/"msg":"draining","runs":1/);
      expect(processCommandLines().filter((c) => c.includes(dir))).toEqual([]);

      const second = await launch(dir, env);
      try {
        await second.client.login('admin', 'admin-password-1');
        expect((await second.client.get(executionPath)).body.status).toBe('SUCCESS');
      } finally {
        expect(await second.launcher.stop('SIGTERM')).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('start-up checks', () => {
  it('refuses an invalid configuration value, naming the variable', async () => {
    const api = startProcess('api', { PORT: 'eighty', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toMatch(/PORT must be a whole number/);
    const worker = startProcess('worker', { RUNNER_WORKER_SLOTS: '0', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/RUNNER_WORKER_SLOTS must be between 1 and 1024/);
  });

  it('re-encrypts every secret under a new key (npm run rekey)', async () => {
    const db = await createTestDatabase();
    const dataDir = tempDir('runner-rekey-');
    const newKey = Buffer.alloc(32, 3).toString('base64');
    const env = { PORT: '0', RUNNER_LISTEN_HOST: '127.0.0.1', DATABASE_URL: db.url, RUNNER_DATA_DIR: dataDir, RUNNER_BOOTSTRAP_PASSWORD: 'admin-password-1' };
    try {
      // (Loopback allowed for the chat URL below, which is stored and never called.)
      const before = startProcess('api', { ...env, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' });
      const port = (await before.waitFor(/"msg":"api listening","port":(\d+)/))[1];
      const client = new ApiClient(`http://127.0.0.1:${port}`);
      await client.login('admin', 'admin-password-1');
      const secret = (await client.get('/v2/automation/webhooks/DEMO/secret')).body.secret;
      expect((await client.post('/v2/servers/DEMO', { name: 's1', ipAddress: '198.51.100.7', password: 'server-password' })).status).toBe(201);
      expect((await client.post('/v2/servers/DEMO', { name: 's2', ipAddress: '198.51.100.7', hostVars: { ansible_become_password: 'server-become-pw' } })).status).toBe(201);
      const job = await client.post('/v2/automation/jobs/DEMO', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'h', hostVars: { ansible_password: 'host-password' } }] });
      expect(job.status).toBe(201);
      const schedule = await client.post('/v2/automation/serviceAccounts/DEMO', { alias: 'nightly', username: 'admin', password: 'admin-password-1' });
      expect(schedule.status).toBe(201);
      const chatUrl = 'http://127.0.0.1:9/services/T0/B0/rekey-chat-secret';
      expect((await client.put('/v2/accounts/DEMO/notify', { chat: { url: chatUrl, on: 'failure' } })).status).toBe(200);
      await before.stop();
      // A secret stored before values were bound to their rows: the re-key binds it.
      const oldKey = Buffer.from(TEST_ENCRYPTION_KEY, 'base64');
      await db.query(`UPDATE servers SET sealed_password = $1 WHERE name = 's2'`, [sealUnbound(oldKey, 'legacy-password')]);

      const rekey = startProcess('rekey', { ...env, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, RUNNER_NEW_ENCRYPTION_KEY: newKey });
      expect(await rekey.exited).toBe(0);
      expect(rekey.output()).toMatch(/Re-encrypted [3-9]\d* secrets/);
      expect(rekey.output()).not.toContain(newKey);
      // Every sealed value of every sealed column is now bound to its row, under the new key.
      const box = new SecretBox(Buffer.from(newKey, 'base64'));
      const opened: Record<string, string[]> = {};
      for (const entry of SEALED_COLUMNS) {
        const rows = await db.query<Record<string, string>>(`SELECT ${entry.boundTo.join(', ')}, ${entry.column} AS sealed FROM ${entry.table} WHERE ${entry.column} IS NOT NULL`);
        opened[`${entry.table}.${entry.column}`] = rows.map((row) => {
          expect(row.sealed.startsWith('v2.')).toBe(true);
          return box.open(row.sealed, sealedIn(entry.table, entry.column, ...entry.boundTo.map((c) => String(row[c]))));
        });
      }
      expect(opened['servers.sealed_password'].sort()).toEqual(['legacy-password', 'server-password']);
      expect(opened['servers.sealed_host_vars'].map((json) => JSON.parse(json))).toEqual([{ ansible_become_password: 'server-become-pw' }]);
      expect(opened['service_accounts.sealed_password']).toEqual(['admin-password-1']);
      expect(opened['jobs.sealed_secrets']).toHaveLength(1);
      expect(opened['accounts.sealed_notify_chat_url']).toEqual([chatUrl]);

      const old = startProcess('api', { ...env, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
      expect(await old.exited).toBe(1);
      const after = startProcess('api', { ...env, RUNNER_ENCRYPTION_KEY: newKey });
      const port2 = (await after.waitFor(/"msg":"api listening","port":(\d+)/))[1];
      const again = new ApiClient(`http://127.0.0.1:${port2}`);
      await again.login('admin', 'admin-password-1');
      expect((await again.get('/v2/automation/webhooks/DEMO/secret')).body.secret).toBe(secret);
      await after.stop();
    } finally {
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with an encryption key that does not match the stored secrets', async () => {
    const db = await createTestDatabase();
    const dataDir = tempDir('runner-key-');
    try {
      const env = { PORT: '0', RUNNER_LISTEN_HOST: '127.0.0.1', DATABASE_URL: db.url, RUNNER_DATA_DIR: dataDir, RUNNER_BOOTSTRAP_PASSWORD: 'admin-password-1' };
      const good = startProcess('api', { ...env, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
      await good.waitFor(/api listening/);
      await good.stop();
      const bad = startProcess('api', { ...env, RUNNER_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toMatch(/not the key that encrypted/);
    } finally {
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
