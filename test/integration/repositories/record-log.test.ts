import { JobCallback, NewStatusRecord } from '@app/database';
import { WorkerHarness } from '../../support/worker-harness';

/** RecordLog (appendBatch, readOutput) on the cloned template: fenced batches, line numbers, announcements. */
describe('RecordLog on PostgreSQL', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
  });
  afterAll(() => h.stop());

  const record = (message: string): NewStatusRecord => ({
    timestamp: new Date(),
    uuid: null,
    parentUuid: null,
    eventType: 'runner_on_ok',
    host: 'web1',
    play: null,
    task: null,
    failed: false,
    changed: false,
    message,
    stdout: null,
    eventData: { note: `nul\u0000${message}` },
  });

  it('a stale attempt appends nothing: no line, no record, no counter taken', async () => {
    const run = await h.claimed();
    expect(await h.log.appendBatch(run, run.attempt - 1, [record('stale')], ['stale line'])).toBe(false);
    expect(await h.row(run.id)).toMatchObject({ lastCounter: run.lastCounter, outputLines: 0 });
    expect(await h.db.query(`SELECT 1 FROM execution_output WHERE execution_id = $1`, [run.id])).toEqual([]);
    expect((await h.records(run.id)).map((r) => r.message)).not.toContain('stale');
  });

  it('appends in order across batches and reads any range of lines back, across chunks, without NUL', async () => {
    const run = await h.claimed();
    expect(await h.log.appendBatch(run, run.attempt, [record('one')], ['l1', 'l2', 'l\u00003'])).toBe(true);
    expect(await h.log.appendBatch(run, run.attempt, [record('two'), record('three')], ['l4', 'l5'])).toBe(true);
    expect(await h.log.readOutput(run.id, 1, 5)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(await h.log.readOutput(run.id, 3, 4)).toEqual(['l3', 'l4']);
    expect(await h.log.readOutput(run.id, 6, 9)).toEqual([]);
    const records = await h.records(run.id);
    expect(records.map((r) => r.counter)).toEqual([1, 2, 3, 4, 5]);
    expect(records.slice(2).map((r) => r.message)).toEqual(['one', 'two', 'three']);
    expect(await h.row(run.id)).toMatchObject({ lastCounter: 5, outputLines: 5 });
    const [data] = await h.db.query<{ event_data: { note: string } }>(`SELECT event_data FROM status_records WHERE execution_id = $1 AND counter = 3`, [run.id]);
    expect(data.event_data.note).toBe('nulone');
  });

  it("queues a webhook delivery for each record the job's callbacks ask for, by level", async () => {
    const { accountId, userId } = await h.account();
    const callbacks: JobCallback[] = [
      { url: 'http://127.0.0.1:9/debug', level: 'DEBUG' },
      { url: 'http://127.0.0.1:9/error', level: 'ERROR' },
    ];
    const jobId = await h.job(accountId, { callbacks });
    const queued = await h.enqueue(jobId, accountId, userId);
    await h.db.query(`UPDATE executions SET queued_at = now() - interval '2 days' WHERE id = $1`, [queued.id]);
    const { claimed: run } = await h.queue.claimNext('worker-log', 60, 0);
    expect(run!.id).toBe(queued.id);
    await h.log.appendBatch(run!, run!.attempt, [record('fine'), { ...record('broke'), failed: true }], []);
    const deliveries = await h.db.query<{ counter: number; level: string }>(
      `SELECT counter, level FROM webhook_deliveries WHERE execution_id = $1 AND counter > 2 ORDER BY counter, level`,
      [run!.id],
    );
    expect(deliveries).toEqual([
      { counter: 3, level: 'DEBUG' },
      { counter: 4, level: 'DEBUG' },
      { counter: 4, level: 'ERROR' },
    ]);
  });
});
