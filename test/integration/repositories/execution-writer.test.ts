import { randomBytes } from 'node:crypto';
import { Execution } from '@app/database';
import { SteppedClock } from '../../support/stepped-clock';
import { WorkerHarness } from '../../support/worker-harness';

/**
 * ExecutionWriter, the fenced status writer (enqueue, change), on the cloned template: a stale
 * attempt changes nothing, an illegal transition writes nothing, counters never collide, and the
 * time it stamps is the injected clock's.
 */
describe('ExecutionWriter on PostgreSQL', () => {
  const clock = new SteppedClock(Date.parse('2026-03-01T12:00:00Z'));
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start({ clock });
  });
  afterAll(() => h.stop());

  async function queued(): Promise<{ execution: Execution; accountId: string; userId: string }> {
    const { accountId, userId } = await h.account();
    const execution = await h.enqueue(await h.job(accountId), accountId, userId);
    return { execution, accountId, userId };
  }

  async function claimed(): Promise<Execution> {
    const { execution } = await queued();
    // To the front of the queue: older than every other waiting run (they are queued at the test's clock).
    await h.db.query(`UPDATE executions SET queued_at = (SELECT min(queued_at) FROM executions) - interval '1 day' WHERE id = $1`, [execution.id]);
    const { claimed: run } = await h.queue.claimNext('worker-w', 60, 0);
    expect(run!.id).toBe(execution.id);
    return run!;
  }

  const stored = (id: string) =>
    h.db.query<{ counter: number; timestamp: Date; event_data: Record<string, unknown>; failed: boolean }>(
      `SELECT counter, timestamp, event_data, failed FROM status_records WHERE execution_id = $1 ORDER BY counter`,
      [id],
    );

  it('enqueue stores the row and its PENDING record (counter 1) stamped by the clock, and countQueued counts that account only', async () => {
    const { execution, accountId } = await queued();
    expect((await h.reads.findById(execution.id))!).toMatchObject({ status: 'PENDING', lastCounter: 1, attempt: 0 });
    expect(await stored(execution.id)).toEqual([{ counter: 1, timestamp: clock.now(), event_data: { status: 'PENDING' }, failed: false }]);
    expect(await h.writer.countQueued(accountId)).toBe(1);
    await queued();
    expect(await h.writer.countQueued(accountId)).toBe(1);
  });

  it('a stale attempt cannot change a run: decide is never asked, the row and its records stay as they were', async () => {
    const run = await claimed();
    const before = await stored(run.id);
    const decide = jest.fn(() => ({ status: 'RUNNING' as const }));
    expect(await h.writer.change(run.id, run.attempt - 1, decide)).toBeNull();
    expect(await h.writer.change(run.id, run.attempt + 1, decide)).toBeNull();
    expect(decide).not.toHaveBeenCalled();
    expect(await h.row(run.id)).toMatchObject({ status: 'INITIALIZING', lastCounter: run.lastCounter, owner: 'worker-w' });
    expect(await stored(run.id)).toEqual(before);
    // The attempt that holds it can.
    expect(await h.writer.change(run.id, run.attempt, decide)).toMatchObject({ status: 'RUNNING', lastCounter: run.lastCounter + 1 });
  });

  it('refuses an illegal transition with a conflict and writes nothing', async () => {
    const run = await claimed();
    await expect(h.writer.change(run.id, run.attempt, () => ({ status: 'SUCCESS' }))).rejects.toThrow(/INITIALIZING; it cannot become SUCCESS/);
    expect(await h.row(run.id)).toMatchObject({ status: 'INITIALIZING', lastCounter: run.lastCounter });
    expect(await stored(run.id)).toHaveLength(run.lastCounter);
  });

  it('an ending closes the timer at the clock, drops owner and lease, revokes the run token and marks a failure failed', async () => {
    const run = await claimed();
    await h.deps.tokens.insertRunToken(
      { tokenHash: randomBytes(32), userId: run.createdBy!, accountId: run.accountId, executionId: run.id, expiresAt: new Date(clock.ms + 3_600_000) },
      clock.now(),
    );
    await h.writer.change(run.id, run.attempt, () => ({ status: 'RUNNING' }));
    clock.advance(90_000);
    const ended = await h.writer.change(run.id, run.attempt, () => ({ status: 'FAILURE', set: { reason: 'it broke' } }));
    expect(ended).toMatchObject({ status: 'FAILURE', owner: null, leaseExpiresAt: null, updatedAt: clock.now() });
    const row = await h.row(run.id);
    expect(row.timers[row.timers.length - 1].end).toBe(clock.ms);
    const [token] = await h.db.query<{ revoked_at: Date }>(`SELECT revoked_at FROM auth_tokens WHERE execution_id = $1`, [run.id]);
    expect(token.revoked_at).toEqual(clock.now());
    expect((await stored(run.id)).pop()).toMatchObject({ event_data: { status: 'FAILURE', reason: 'it broke' }, failed: true, timestamp: clock.now() });
  });

  it('concurrent changes and record batches of one run take counters in turn: none collide, none is skipped', async () => {
    const run = await claimed();
    await h.writer.change(run.id, run.attempt, () => ({ status: 'RUNNING' }));
    const record = { timestamp: clock.now(), uuid: null, parentUuid: null, eventType: 'runner_on_ok', host: 'web1', play: null, task: null, failed: false, changed: false, message: null, stdout: null, eventData: {} };
    await Promise.all([
      ...Array.from({ length: 10 }, () => h.log.appendBatch(run, run.attempt, [record, record], ['a line'])),
      ...Array.from({ length: 5 }, () => h.writer.change(run.id, run.attempt, () => ({ set: { reason: 'x' }, records: [record] }))),
    ]);
    const counters = (await stored(run.id)).map((r) => r.counter);
    expect(counters).toEqual(Array.from({ length: counters.length }, (_, i) => i + 1));
    expect((await h.row(run.id)).lastCounter).toBe(counters.length);
  });
});
