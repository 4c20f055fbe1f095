import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { RunWorkspaces, Sandbox } from '@app/ansible';
import { JsonLogger, loadConfig, RunnerConfig } from '@app/config';
import {
  AccountRepository,
  AuthTokenRepository,
  createDataSource,
  Execution,
  ExecutionQueue,
  ExecutionReads,
  RunTotals,
  ExecutionWriter,
  JobDefinition,
  JobRepository,
  KeypairRepository,
  KnownHostRepository,
  newExecution,
  RecordLog,
  ServerRepository,
  VpnConnectionRepository,
} from '@app/database';
import { Clock, SystemClock } from '@app/domain';
import { SecretBox } from '../../libs/keys/src/secret-box';
import { ExecutionRun, RunDependencies } from '../../apps/worker/src/run/execution-run';
import { createTestDatabase, TestDatabase } from './database';
import { FakeLauncher } from './fake-launcher';

/** The log lines a run wrote, kept for the test instead of printed. */
export class CapturingLogger extends JsonLogger {
  readonly lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];

  constructor() {
    super('worker-test', 'debug');
  }

  override write(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level, msg, fields });
  }
}

export interface StoredRecord {
  counter: number;
  event_type: string;
  host: string | null;
  failed: boolean;
  message: string | null;
}

/**
 * The worker tier's ground (test/integration/worker): a cloned template database, the repositories on a
 * TypeORM DataSource (routed through `route`, e.g. a TcpProxy, when given), and ExecutionRuns built
 * as RunFactory builds them but with a FakeLauncher and the sandbox off. No Nest, no process.
 */
export class WorkerHarness {
  readonly launcher = new FakeLauncher();
  readonly logger = new CapturingLogger();
  readonly writer: ExecutionWriter;
  readonly queue: ExecutionQueue;
  readonly reads: ExecutionReads;
  readonly log: RecordLog;
  readonly config: RunnerConfig;
  readonly deps: RunDependencies;

  private constructor(
    readonly db: TestDatabase,
    readonly dataSource: DataSource,
    readonly dataDir: string,
    env: Record<string, string>,
    ttlMinuteMs: number,
    readonly clock: Clock,
  ) {
    this.config = loadConfig({ DATABASE_URL: db.url, RUNNER_DATA_DIR: dataDir, RUNNER_SANDBOX: 'off', ...env });
    this.writer = new ExecutionWriter(dataSource, clock);
    this.queue = new ExecutionQueue(dataSource, clock);
    this.reads = new ExecutionReads(dataSource, new RunTotals(dataSource));
    this.log = new RecordLog(dataSource);
    this.deps = {
      config: this.config,
      logger: this.logger,
      writer: this.writer,
      log: this.log,
      workspaces: new RunWorkspaces(path.join(dataDir, 'workspaces')),
      clock,
      box: new SecretBox(Buffer.alloc(32, 7)),
      accounts: new AccountRepository(dataSource),
      jobs: new JobRepository(dataSource),
      knownHosts: new KnownHostRepository(dataSource),
      keypairs: new KeypairRepository(dataSource),
      servers: new ServerRepository(dataSource),
      vpn: new VpnConnectionRepository(dataSource),
      tokens: new AuthTokenRepository(dataSource),
      launcher: this.launcher,
      sandbox: new Sandbox(this.config.sandbox),
      ttlMinuteMs,
    };
  }

  /**
   * `env`: worker settings (RUNNER_*); `route`: how the run's DataSource reaches the database;
   * `ttlMinuteMs`: one minute of executionTtl (a TTL test makes it a second, so a TTL of 1 expires in one);
   * `clock`: the time the repositories and runs stamp with (the system's unless a test moves it).
   */
  static async start(
    options: { env?: Record<string, string>; route?: (url: string) => string; ttlMinuteMs?: number; clock?: Clock } = {},
  ): Promise<WorkerHarness> {
    const db = await createTestDatabase();
    const dataSource = await createDataSource((options.route ?? ((url) => url))(db.url), 4)
      .initialize()
      .catch(async (error) => {
        await db.drop();
        throw error;
      });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-worker-tier-'));
    return new WorkerHarness(db, dataSource, dataDir, options.env ?? {}, options.ttlMinuteMs ?? 60_000, options.clock ?? new SystemClock());
  }

  async stop(): Promise<void> {
    await this.dataSource.destroy().catch(() => undefined);
    await this.db.drop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** An account with one user (who starts runs, so each run gets a token). */
  async account(): Promise<{ accountId: string; userId: string }> {
    const accountId = randomUUID();
    const userId = randomUUID();
    const alias = `A${accountId.slice(0, 8).toUpperCase()}`;
    await this.db.query(`INSERT INTO accounts (id, alias, name, path, location_alias) VALUES ($1, $2, $2, $3, 'X')`, [accountId, alias, `/${alias}/`]);
    await this.db.query(`INSERT INTO users (id, account_id, username, password_hash, roles) VALUES ($1, $2, $3, 'x', '{ADMIN}')`, [userId, accountId, `u${userId.slice(0, 8)}`]);
    return { accountId, userId };
  }

  /** A job with an inline playbook and no keys; `definition` overrides its fields. */
  async job(accountId: string, definition: Partial<JobDefinition> = {}): Promise<string> {
    const jobId = randomUUID();
    const full: JobDefinition = {
      playbook: Buffer.from('- hosts: all\n  gather_facts: false\n  tasks: []\n').toString('base64'),
      hosts: [{ id: 'web1' }, { id: 'web2' }],
      callbacks: [],
      executionTtl: 60,
      ...definition,
    };
    await this.db.query(`INSERT INTO jobs (id, account_id, description, definition, created_at, updated_at) VALUES ($1, $2, '', $3, now(), now())`, [
      jobId,
      accountId,
      JSON.stringify(full),
    ]);
    return jobId;
  }

  /** Queues a run of the job, as the api does. */
  enqueue(jobId: string, accountId: string, createdBy: string | null): Promise<Execution> {
    return this.writer.enqueue(newExecution({ jobId, accountId, createdBy }, this.clock.now()));
  }

  /** Queues a run of a new job of a new account and claims it: ready for run(). */
  async claimed(definition: Partial<JobDefinition> = {}): Promise<Execution> {
    const { accountId, userId } = await this.account();
    await this.enqueue(await this.job(accountId, definition), accountId, userId);
    const { claimed } = await this.queue.claimNext('worker-test', 60, 0);
    if (!claimed) throw new Error('nothing to claim');
    return claimed;
  }

  run(execution: Execution): ExecutionRun {
    return new ExecutionRun(this.deps, execution);
  }

  async row(id: string): Promise<Execution> {
    return (await this.reads.findById(id))!;
  }

  records(id: string): Promise<StoredRecord[]> {
    return this.db.query<StoredRecord>(`SELECT counter, event_type, host, failed, message FROM status_records WHERE execution_id = $1 ORDER BY counter`, [id]);
  }
}

/** Waits until `check` holds (polling; the tier asserts outcomes, never timings). */
export async function until(check: () => Promise<boolean> | boolean, what: string, seconds = 20): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
