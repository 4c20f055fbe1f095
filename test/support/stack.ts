import * as fs from 'node:fs';
import { createTestDatabase, TestDatabase } from './database';
import { ApiClient } from './http';
import { ADMIN_PASSWORD, ApiHandle, ServiceProcess, startApi, startProcess, tempDir, TEST_ENCRYPTION_KEY } from './processes';

/** A database, the real api and one real worker, with an admin logged in. */
export interface Stack {
  db: TestDatabase;
  api: ApiHandle;
  worker: ServiceProcess;
  /** Stops the worker (SIGTERM) and starts a new one with the same settings. */
  restartWorker(): Promise<void>;
  /** Starts another worker on the same database (stopped with the stack). */
  addWorker(): Promise<ServiceProcess>;
  workerDataDir: string;
  admin: ApiClient;
  stop(): Promise<void>;
}

/** A database and the real api alone (no worker), with an admin logged in: for tests that start no run. */
export interface ApiStack {
  db: TestDatabase;
  api: ApiHandle;
  admin: ApiClient;
  stop(): Promise<void>;
}

export async function startApiStack(apiEnv: NodeJS.ProcessEnv = {}): Promise<ApiStack> {
  const db = await createTestDatabase();
  let api: ApiHandle;
  try {
    api = await startApi(db.url, apiEnv);
  } catch (error) {
    await db.drop();
    throw error;
  }
  const admin = new ApiClient(api.url);
  await admin.login('admin', ADMIN_PASSWORD);
  return {
    db,
    api,
    admin,
    stop: async () => {
      await api.stop();
      await db.drop();
    },
  };
}

export async function startStack(workerEnv: NodeJS.ProcessEnv = {}, apiEnv: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const { db, api, admin } = await startApiStack(apiEnv);
  const workerDataDir = tempDir('runner-worker-');
  const startWorker = async (): Promise<ServiceProcess> => {
    const worker = startProcess('worker', {
      DATABASE_URL: db.url,
      RUNNER_DATA_DIR: workerDataDir,
      RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RUNNER_WORKER_SLOTS: '2',
      RUNNER_POLL_INTERVAL_MS: '500',
      RUNNER_DRAIN_SECONDS: '5',
      // As for the api (startApi): the tests' SSH hosts are on loopback and link-local addresses.
      RUNNER_PROBE_ALLOW_INTERNAL: 'true',
      // Runs call back to this stack's api (its port is chosen at start).
      RUNNER_RUN_API_URL: api.url,
      ...workerEnv,
    });
    await worker.waitFor(/"msg":"worker pool ready"/);
    return worker;
  };
  const extra: ServiceProcess[] = [];
  const stack: Stack = {
    db,
    api,
    worker: await startWorker(),
    workerDataDir,
    admin,
    restartWorker: async () => {
      await stack.worker.stop();
      stack.worker = await startWorker();
    },
    addWorker: async () => {
      const worker = await startWorker();
      extra.push(worker);
      return worker;
    },
    stop: async () => {
      await Promise.all([stack.worker, ...extra].map((w) => w.stop()));
      await api.stop();
      await db.drop();
      fs.rmSync(workerDataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export const TERMINAL = ['SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED'];

/** Polls an execution until its status is one of `statuses`. */
export async function waitForStatus(client: ApiClient, executionPath: string, statuses: string[] = TERMINAL, timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await client.get(executionPath)).body;
    if (statuses.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`execution did not reach ${statuses.join('|')}; last: ${JSON.stringify(last)}`);
}

/** Polls an operation (key deployment, …) by its status link until it has succeeded or failed. */
export async function waitForOperation(client: ApiClient, href: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await client.get(href)).body;
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`operation still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every status record of an execution, through the paged status API. */
export async function allRecords(client: ApiClient, alias: string, jobId: string, executionId: string): Promise<any[]> {
  const records: any[] = [];
  for (let page = 0; ; page++) {
    const reply = await client.get(`/v2/automation/status/${alias}/job/${jobId}/execution/${executionId}?page=${page}&size=100`);
    if (reply.status !== 200) throw new Error(`status API answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    records.push(...reply.body.results);
    if (records.length >= reply.body.totalSize || reply.body.results.length === 0) return records;
  }
}

/** Creates a job and starts it; returns both and the execution's path. */
export async function createAndStart(client: ApiClient, alias: string, job: object, start: object = {}): Promise<{ job: any; execution: any; path: string }> {
  const created = await client.post(`/v2/automation/jobs/${alias}`, job);
  if (created.status !== 201) throw new Error(`job create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const started = await client.post(`/v2/automation/jobs/${alias}/${created.body.id}/start`, start);
  if (started.status !== 202) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
  return { job: created.body, execution: started.body, path: `/v2/automation/jobs/${alias}/${created.body.id}/executions/${started.body.execution_id}` };
}

/** Command lines of every process on the machine. */
export function processCommandLines(): string[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}
