import { Execution } from '@app/database';
import { PoolService } from '../../../apps/worker/src/pool.service';
import { FakePlaybook } from '../../support/fake-launcher';
import { until, WorkerHarness } from '../../support/worker-harness';
import { workerPool } from '../../support/worker-pool';

/**
 * The pool (pool.service.ts) on real PostgreSQL: it claims up to its slots (woken by NOTIFY),
 * relays stop requests, fences runs whose lease it cannot renew, and drains on shutdown.
 */
describe('worker tier: the pool', () => {
  let h: WorkerHarness;
  let pool: PoolService;
  let shutDown = false;

  beforeAll(async () => {
    // A 6 s lease: the heartbeat renews every 2 s.
    h = await WorkerHarness.start({ env: { RUNNER_WORKER_SLOTS: '2', RUNNER_LEASE_SECONDS: '6', RUNNER_POLL_INTERVAL_MS: '200', RUNNER_DRAIN_SECONDS: '0' } });
    pool = workerPool(h);
    await pool.onApplicationBootstrap();
  });
  afterAll(async () => {
    if (!shutDown) await pool.beforeApplicationShutdown();
    await h.stop();
  });

  async function queued(): Promise<Execution> {
    const { accountId, userId } = await h.account();
    return h.enqueue(await h.job(accountId), accountId, userId);
  }

  /** The FakePlaybook of a run, once the pool has started it. */
  async function playbookOf(execution: Execution): Promise<FakePlaybook> {
    const of = (): FakePlaybook | undefined => h.launcher.spawned.find((p) => p.options.cwd.includes(`/${execution.id.slice(0, 8)}-`));
    await until(() => !!of(), `the run of ${execution.id} to start`);
    return of()!;
  }

  async function status(execution: Execution): Promise<string> {
    return (await h.row(execution.id)).status;
  }

  it('claims up to its slots, and the next run once one ends', async () => {
    const runs = [await queued(), await queued(), await queued()];
    const first = await playbookOf(runs[0]);
    const second = await playbookOf(runs[1]);
    // Both slots are taken: the third waits in the queue.
    expect(await status(runs[2])).toBe('PENDING');
    first.exit(0);
    const third = await playbookOf(runs[2]);
    second.exit(0);
    third.exit(0);
    for (const run of runs) await until(async () => (await status(run)) === 'SUCCESS', 'each run to succeed');
  });

  it('relays a stop request to its run: SIGINT, then SIGKILL after the grace the request gave', async () => {
    const execution = await queued();
    const playbook = await playbookOf(execution);
    playbook.ignoreSigint = true;
    // What the api stores for a stop with expiryDuration 1, and the NOTIFY that tells the workers.
    await h.writer.change(execution.id, undefined, () => ({ status: 'STOPPING', set: { stopGraceSeconds: 1 }, notify: 'control' }));
    await until(async () => (await status(execution)) === 'STOPPED', 'the run to stop');
    expect(playbook.signals.slice(0, 2)).toEqual(['SIGINT', 'SIGKILL']);
  });

  it('abandons a run whose lease it can no longer renew (another owner has it): SIGKILL, and nothing written', async () => {
    const execution = await queued();
    const playbook = await playbookOf(execution);
    await h.db.query(`UPDATE executions SET attempt = attempt + 1, owner = 'another-worker' WHERE id = $1`, [execution.id]);
    const before = await h.row(execution.id);
    // The next heartbeat finds the lease gone.
    await until(() => playbook.signals.includes('SIGKILL'), 'the run to be killed');
    await until(() => !playbook.running, 'the playbook to end');
    expect(await h.row(execution.id)).toMatchObject({ status: before.status, owner: 'another-worker', lastCounter: before.lastCounter });
  });

  it('drains on shutdown: stops its runs with the reason "runner shutting down", and leaves the registry', async () => {
    const execution = await queued();
    const playbook = await playbookOf(execution);
    shutDown = true;
    await pool.beforeApplicationShutdown();
    expect(playbook.signals[0]).toBe('SIGINT');
    expect(await h.row(execution.id)).toMatchObject({ status: 'STOPPED', reason: 'runner shutting down' });
    expect(await h.db.query(`SELECT id FROM runners WHERE id = $1`, [pool.workerId])).toEqual([]);
  });
});
