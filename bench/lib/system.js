'use strict';
// The system under test, brought up fresh for every bench run: an embedded PostgreSQL in a new temp
// folder, then the api and worker as separate processes (not through the launcher) so that each
// gets its own log level (the worker at debug, for its "ansible-playbook started" line; the api at
// warn, so request logging does not slow the API figures) and so the worker can be swapped
// (the synthetic-emitter worker of figure 4) without touching the api or the database.
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const proc = require('./proc');

const REPO = path.resolve(__dirname, '..', '..');
const DIST = path.join(REPO, 'dist');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Splits a child's stdout into JSON log lines. */
function onJsonLines(stream, handler) {
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk.toString('utf8');
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      try {
        handler(JSON.parse(line));
      } catch {
        /* not ours */
      }
    }
  });
}

class System {
  constructor({ slots, pollMs = 2000 }) {
    this.slots = slots;
    this.pollMs = pollMs;
    this.password = crypto.randomBytes(12).toString('base64url');
    this.encryptionKey = crypto.randomBytes(32).toString('base64');
    /** executionId → epoch ms at which the worker logged "ansible-playbook started" (just after spawn). */
    this.spawned = new Map();
    this.ended = new Map();
    /** Every "run claimed" of any worker: { executionId, claimMs, at } (figure 8). */
    this.claims = [];
    /** executionId → epoch ms of the worker's "run finished". */
    this.finished = new Map();
    this.workers = [];
  }

  async start() {
    // 0755: the embedded PostgreSQL runs as the unprivileged `postgres` user when we are root.
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-bench-'));
    fs.chmodSync(this.root, 0o755);
    this.dataDir = path.join(this.root, 'data');
    fs.mkdirSync(this.dataDir, { mode: 0o755 });
    fs.chmodSync(this.dataDir, 0o755);
    this.logDir = path.join(this.root, 'logs');
    fs.mkdirSync(this.logDir);

    const { startEmbeddedPostgres } = require(path.join(DIST, 'libs', 'database', 'src', 'embedded-postgres.js'));
    const pgPort = await freePort();
    const pgLog = fs.createWriteStream(path.join(this.logDir, 'postgres.log'));
    this.database = await startEmbeddedPostgres({ dataDir: this.dataDir, port: pgPort, database: 'runner', onLog: (line) => pgLog.write(line) });
    this.databaseUrl = this.database.url;

    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    // At warn level the api does not log "api listening"; it is ready when /readyz answers 200.
    this.api = await this.startApi();
    await this.startWorker();
  }

  env(extra) {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      NODE_ENV: 'production',
      PORT: String(this.port),
      RUNNER_LISTEN_HOST: '127.0.0.1',
      DATABASE_URL: this.databaseUrl,
      RUNNER_DATA_DIR: this.dataDir,
      RUNNER_ENCRYPTION_KEY: this.encryptionKey,
      RUNNER_BOOTSTRAP_PASSWORD: this.password,
      RUNNER_WORKER_SLOTS: String(this.slots),
      RUNNER_POLL_INTERVAL_MS: String(this.pollMs),
      ...extra,
    };
  }

  /** `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=…'] when profiling the api. */
  startApi({ name = 'api', nodeArgs = [] } = {}) {
    return this.node(name, 'apps/api/src/main.js', { env: { LOG_LEVEL: 'warn' }, nodeArgs, probe: () => this.ready() });
  }

  async ready() {
    try {
      const answer = await fetch(`${this.url}/readyz`);
      return answer.status === 200;
    } catch {
      return false;
    }
  }

  /** Starts one node process and resolves once it logged its ready line (or `probe` says ready). */
  node(name, main, { env: extraEnv = {}, isReady = () => false, onLog = () => undefined, probe, nodeArgs = [] }) {
    const cwd = path.join(this.root, `${name}-cwd`);
    fs.mkdirSync(cwd, { recursive: true });
    const child = proc.start(process.execPath, [...nodeArgs, path.join(DIST, main)], { cwd, env: this.env(extraEnv) });
    const out = fs.createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    let stderr = '';
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-2000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s; see ${out.path}`)), 90_000);
      const early = (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} while starting: ${stderr.trim()}`));
      };
      child.once('exit', early);
      let done = false;
      const ready = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        child.off('exit', early);
        resolve(child);
      };
      onJsonLines(child.stdout, (log) => {
        onLog(log);
        if (isReady(log)) ready();
      });
      if (probe) {
        const poll = async () => {
          if (done || child.exitCode !== null) return;
          if (await probe()) ready();
          else setTimeout(poll, 200);
        };
        setTimeout(poll, 500);
      }
    });
  }

  /** A worker node (`extraEnv`: RUNNER_SANDBOX=off, RUNNER_ANSIBLE_PLAYBOOK for the synthetic emitter). */
  async startWorker({ name = 'worker', slots = this.slots, extraEnv = {}, nodeArgs = [] } = {}) {
    const env = { LOG_LEVEL: 'debug', RUNNER_WORKER_SLOTS: String(slots), ...extraEnv };
    const worker = await this.node(name, 'apps/worker/src/main.js', {
      env,
      nodeArgs,
      isReady: (log) => log.msg === 'worker pool ready',
      onLog: (log) => {
        if (log.msg === 'ansible-playbook started') this.spawned.set(log.executionId, Date.parse(log.time));
        if (log.msg === 'ansible-playbook ended') this.ended.set(log.executionId, Date.parse(log.time));
        if (log.msg === 'run claimed') this.claims.push({ executionId: log.executionId, claimMs: log.claimMs, at: Date.parse(log.time) });
        if (log.msg === 'run finished') this.finished.set(log.executionId, Date.parse(log.time));
      },
    });
    this.workers.push(worker);
    this.worker = worker;
    return worker;
  }

  async stopWorker(worker = this.worker) {
    await proc.stop(worker, 70_000);
    this.workers = this.workers.filter((w) => w !== worker);
    if (this.worker === worker) this.worker = this.workers[0];
  }

  /** A connection as the superuser to the service's database (seeding that bypasses triggers, CHECKPOINT). */
  async adminDb() {
    const { Client } = require('pg');
    const url = new URL(this.database.adminUrl);
    url.pathname = new URL(this.databaseUrl).pathname;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    return db;
  }

  /** Orderly shutdown, then a sweep for anything of ours that survived, then the temp folder. */
  async stop() {
    const problems = [];
    for (const worker of [...this.workers]) await proc.stop(worker, 20_000).catch((e) => problems.push(e.message));
    if (this.api) await proc.stop(this.api, 15_000).catch((e) => problems.push(e.message));
    if (this.database) await this.database.stop().catch((e) => problems.push(`postgres: ${e?.message ?? e}`));
    return problems;
  }
}

module.exports = { System, REPO, DIST, freePort };
