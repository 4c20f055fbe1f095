import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../support/free-port';
import { ApiClient, b64 } from '../support/http';
import { ADMIN_PASSWORD, ApiHandle, ROOT, ServiceProcess, startApi, startProcess, tempDir, TEST_ENCRYPTION_KEY } from '../support/processes';
import { allRecords, waitForStatus } from '../support/stack';

/**
 * A PostgreSQL of its own, in the launcher's host process (postgres-host.ts): this file restarts it,
 * the suite's shared one must stay up.
 */
class OwnPostgres {
  private child?: ChildProcess;
  url = '';

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  async start(): Promise<void> {
    const host = path.join(ROOT, 'dist', 'apps', 'launcher', 'src', 'postgres-host.js');
    const child = spawn(process.execPath, [host, this.dataDir, String(this.port)], {
      env: { PATH: process.env.PATH, RUNNER_LAUNCHER_PID: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.url = await new Promise<string>((resolve, reject) => {
      child.once('message', (message: { url: string }) => resolve(message.url));
      child.once('exit', (code) => reject(new Error(`PostgreSQL process exited with ${code}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const ITEMS = 200;
// One record per item, every 0.05 s: the run spans the outage and emits more records meanwhile than
// the worker may hold (RUNNER_RECORD_BUFFER=100), so Ansible is paused until the database is back.
const SLOW_LOOP = b64(`- hosts: all
  gather_facts: false
  tasks:
    - name: tick
      ansible.builtin.debug:
        msg: "tick {{ item }}"
      loop: "{{ range(${ITEMS}) | list }}"
      loop_control:
        pause: 0.05
`);

describe('database outage: a PostgreSQL restart in the middle of a run', () => {
  let dataDir: string;
  let database: OwnPostgres;
  let api: ApiHandle;
  let worker: ServiceProcess;
  let workerDir: string;
  let client: ApiClient;

  beforeAll(async () => {
    dataDir = tempDir('runner-outage-pg-');
    fs.chmodSync(dataDir, 0o755);
    database = new OwnPostgres(dataDir, await freePort());
    await database.start();
    api = await startApi(database.url);
    workerDir = tempDir('runner-outage-worker-');
    // A lease shorter than the outage: the run must survive its lease lapsing while nobody could renew.
    worker = startProcess('worker', {
      DATABASE_URL: database.url,
      RUNNER_DATA_DIR: workerDir,
      RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RUNNER_WORKER_SLOTS: '2',
      RUNNER_POLL_INTERVAL_MS: '500',
      RUNNER_LEASE_SECONDS: '4',
      RUNNER_RECORD_BUFFER: '100',
    });
    await worker.waitFor(/"msg":"worker pool ready"/);
    client = new ApiClient(api.url);
    await client.login('admin', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await database?.stop();
    if (workerDir) fs.rmSync(workerDir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the run completes, every record is stored with no gap in counters, and the API answers 503 meanwhile', async () => {
    const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: SLOW_LOOP, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const started = await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`);
    const executionPath = `/v2/automation/jobs/DEMO/${job.id}/executions/${started.body.execution_id}`;
    // Wait until Ansible is a few items in.
    const deadline = Date.now() + 60_000;
    while ((await allRecords(client, 'DEMO', job.id, started.body.execution_id)).filter((r) => r.event_type === 'runner_item_on_ok').length < 3) {
      if (Date.now() > deadline) throw new Error('the run did not get going');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await database.stop();
    // Down for longer than the lease: API requests meanwhile get 503, never 500.
    const during: number[] = [];
    const downUntil = Date.now() + 7_000;
    while (Date.now() < downUntil) {
      during.push((await client.get('/v2/automation/jobs/DEMO')).status);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(new Set(during)).toEqual(new Set([503]));
    expect(worker.output()).toMatch(/database unreachable; holding records/);
    expect(worker.output()).toMatch(/record buffer full; Ansible paused/);
    await database.start();

    const done = await waitForStatus(client, executionPath, undefined, 120_000);
    expect(done).toMatchObject({ status: 'SUCCESS' });
    const records = await allRecords(client, 'DEMO', job.id, started.body.execution_id);
    expect(records.map((r) => r.counter)).toEqual(records.map((_, i) => i + 1));
    expect(records.filter((r) => r.event_type === 'runner_item_on_ok')).toHaveLength(ITEMS);
    expect(records.filter((r) => r.event_type === 'execution_status').map((r) => r.event_data.status)).toEqual([
      'PENDING',
      'INITIALIZING',
      'RUNNING',
      'SUCCESS',
    ]);
    // The API recovered by itself.
    expect((await client.get('/v2/automation/jobs/DEMO')).status).toBe(200);
    expect(worker.output()).toMatch(/record buffer drained; Ansible resumed/);
  });
});
