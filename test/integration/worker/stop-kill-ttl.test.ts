import { Execution } from '@app/database';
import { ExecutionStatus } from '@app/domain';
import { FakePlaybook } from '../../support/fake-launcher';
import { until, WorkerHarness } from '../../support/worker-harness';

/**
 * Stop, kill and the TTL (execution-run.ts: requestStop, requestKill, ttlExpired): which signals
 * ansible-playbook gets, in which order, and the status the run ends with.
 */
describe('worker tier: stop and kill escalation, TTL', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    // One "minute" of executionTtl is a second: a job with executionTtl 1 expires in one, the
    // others (60) never within a test.
    h = await WorkerHarness.start({ ttlMinuteMs: 1000 });
  });
  afterAll(() => h.stop());

  /** What the api does on a stop or kill request: the row's status, then the pool relays it to the run. */
  async function request(execution: Execution, status: ExecutionStatus, stopGraceSeconds: number | null = null): Promise<void> {
    await h.writer.change(execution.id, undefined, () => ({ status, set: { stopGraceSeconds }, notify: 'control' }));
  }

  async function started(definition = {}): Promise<{ execution: Execution; done: Promise<void>; playbook: FakePlaybook; run: ReturnType<WorkerHarness['run']> }> {
    const execution = await h.claimed(definition);
    const run = h.run(execution);
    const done = run.run();
    const playbook = await h.launcher.next();
    playbook.event({ event: 'playbook_on_start' });
    return { execution, done, playbook, run };
  }

  it('stop: SIGINT first; a playbook that ignores it is killed after the grace, and the run ends STOPPED', async () => {
    const { execution, done, playbook, run } = await started();
    playbook.ignoreSigint = true;
    await request(execution, 'STOPPING', 1);
    run.requestStop(1);
    expect(playbook.signals).toEqual(['SIGINT']);
    expect(playbook.running).toBe(true);
    // Only the kill after the grace ends this playbook: the run's end waits for it.
    await done;
    expect(playbook.signals.slice(0, 2)).toEqual(['SIGINT', 'SIGKILL']);
    expect(await h.row(execution.id)).toMatchObject({ status: 'STOPPED', reason: 'stopped on request', owner: null });
    expect((await h.records(execution.id)).filter((r) => r.event_type === 'execution_status').map((r) => r.message)).toEqual([
      'PENDING',
      'INITIALIZING',
      'RUNNING',
      'STOPPING',
      'STOPPED: stopped on request',
    ]);
  });

  it('stop: a playbook that honours SIGINT ends on it, STOPPED', async () => {
    const { execution, done, playbook, run } = await started();
    await request(execution, 'STOPPING', 30);
    run.requestStop(30);
    await done;
    expect(playbook.signals[0]).toBe('SIGINT');
    expect((await h.row(execution.id)).status).toBe('STOPPED');
  });

  it('kill: SIGKILL at once, and the run ends KILLED', async () => {
    const { execution, done, playbook, run } = await started();
    playbook.ignoreSigint = true;
    await request(execution, 'KILLING');
    run.requestKill();
    expect(playbook.signals).toEqual(['SIGKILL']);
    await done;
    expect(await h.row(execution.id)).toMatchObject({ status: 'KILLED', reason: 'killed on request' });
  });

  it('a stop that arrives while preparing ends the run STOPPED before ansible-playbook starts', async () => {
    const execution = await h.claimed();
    const run = h.run(execution);
    await request(execution, 'STOPPING', 1);
    run.requestStop(1);
    await run.run();
    // Never started: the stop won before the launch.
    expect(h.launcher.spawned.filter((p) => p.options.cwd.includes(execution.id.slice(0, 8)))).toEqual([]);
    expect((await h.row(execution.id)).status).toBe('STOPPED');
  });

  it('TTL: the run becomes STOPPING with the TTL as its reason, gets SIGINT, and ends STOPPED with that reason', async () => {
    const { execution, done, playbook } = await started({ executionTtl: 1 });
    await until(() => playbook.signals.length > 0, 'the TTL stop');
    await done;
    expect(playbook.signals[0]).toBe('SIGINT');
    const reason = 'the execution exceeded its executionTtl of 1 minute(s)';
    expect(await h.row(execution.id)).toMatchObject({ status: 'STOPPED', reason });
    const statuses = (await h.records(execution.id)).filter((r) => r.event_type === 'execution_status').map((r) => r.message);
    expect(statuses.slice(-2)).toEqual([`STOPPING: ${reason}`, `STOPPED: ${reason}`]);
  });
});
