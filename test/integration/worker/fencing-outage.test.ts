import * as fs from 'node:fs';
import { FakePlaybook } from '../../support/fake-launcher';
import { TcpProxy } from '../../support/tcp-proxy';
import { until, WorkerHarness } from '../../support/worker-harness';

/**
 * Fencing (every write carries the attempt this worker claimed) and riding out a database outage
 * (record-writer.ts, ride-out.ts). The run's DataSource reaches PostgreSQL through a TcpProxy that
 * the test cuts; the suite's PostgreSQL itself stays up.
 */
describe('worker tier: fencing and a database outage', () => {
  let proxy: TcpProxy;
  let h: WorkerHarness;

  beforeAll(async () => {
    proxy = TcpProxy.forPostgres(process.env.RUNNER_TEST_ADMIN_URL!);
    await proxy.start();
    h = await WorkerHarness.start({ route: (url) => proxy.route(url), env: { RUNNER_DB_OUTAGE_SECONDS: '60' } });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.stop();
  });

  async function storedEvents(id: string): Promise<number> {
    return (await h.records(id)).filter((r) => r.event_type !== 'execution_status').length;
  }

  /** Another worker takes the run over: its attempt moves on, as a reclaim after a lapsed lease does. */
  async function takeOver(id: string): Promise<void> {
    await h.db.query(`UPDATE executions SET attempt = attempt + 1, owner = 'another-worker' WHERE id = $1`, [id]);
  }

  async function running(): Promise<{ id: string; done: Promise<void>; playbook: FakePlaybook }> {
    const execution = await h.claimed();
    const done = h.run(execution).run();
    const playbook = await h.launcher.next();
    playbook.event({ event: 'playbook_on_start' });
    await until(async () => (await storedEvents(execution.id)) === 1, 'the first event stored');
    return { id: execution.id, done, playbook };
  }

  it('fenced out while running: the run kills ansible-playbook and writes nothing more', async () => {
    const { id, done, playbook } = await running();
    await takeOver(id);
    const before = await h.row(id);
    playbook.event({ event: 'runner_on_ok', host: 'web1' });
    await done;
    expect(playbook.signals).toContain('SIGKILL');
    expect(h.logger.lines.some((l) => l.msg === 'lease lost; abandoning the run' && l.fields.executionId === id)).toBe(true);
    // The row is the new owner's: its status, counters and records are as the takeover left them.
    const after = await h.row(id);
    expect(after).toMatchObject({ status: 'RUNNING', owner: 'another-worker', lastCounter: before.lastCounter, attempt: before.attempt });
    expect(await storedEvents(id)).toBe(1);
    expect(fs.existsSync(playbook.options.cwd)).toBe(false);
  });

  it('fenced out when it ends: the end is not written over the new owner', async () => {
    const { id, done, playbook } = await running();
    await takeOver(id);
    playbook.exit(0);
    await done;
    expect(await h.row(id)).toMatchObject({ status: 'RUNNING', owner: 'another-worker', exitCode: null });
    const [token] = await h.db.query<{ revoked_at: Date | null }>(`SELECT revoked_at FROM auth_tokens WHERE execution_id = $1`, [id]);
    // This worker's token for the run ends with its part in the run all the same.
    expect(token.revoked_at).not.toBeNull();
  });

  it('rides out an outage: records emitted while the database is unreachable are stored after, in order, and the run ends right', async () => {
    const { id, done, playbook } = await running();
    proxy.cut();
    for (let i = 1; i <= 20; i++) playbook.event({ event: 'runner_on_ok', host: 'web1', task: `tick ${i}` });
    playbook.exit(0);
    await until(() => h.logger.lines.some((l) => l.msg === 'database unreachable; holding records' && l.fields.executionId === id), 'the run to hold its records');
    // Held, not lost and not stored: the row (read past the relay) is as the outage found it.
    expect(await storedEvents(id)).toBe(1);
    expect((await h.db.query(`SELECT status FROM executions WHERE id = $1`, [id]))[0]).toEqual({ status: 'RUNNING' });
    proxy.restore();
    await done;

    expect(await h.row(id)).toMatchObject({ status: 'SUCCESS', exitCode: 0, owner: null });
    const records = await h.records(id);
    expect(records.map((r) => r.counter)).toEqual(records.map((_, i) => i + 1));
    expect(records.filter((r) => r.event_type === 'runner_on_ok').length).toBe(20);
    expect(records.slice(-2).map((r) => r.message)).toEqual(['SUCCESS', 'SUCCESS']);
  });
});
