import { Execution } from '@app/database';
import { WorkerHarness } from '../../support/worker-harness';

/** ExecutionQueue, the worker's side of the executions table (claimNext, renewLeases, lapsed, requested, activePrefixes): its SQL on the cloned template. */
describe('ExecutionQueue on PostgreSQL', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
  });
  afterAll(() => h.stop());
  // Every case starts from an empty queue: claimNext looks at every account.
  beforeEach(() => h.db.query(`DELETE FROM executions`));

  /** An account with `count` queued runs of one job, queued `minute` minutes ago and on (one a second). */
  async function queue(count: number, minute: number): Promise<string[]> {
    const { accountId, userId } = await h.account();
    const jobId = await h.job(accountId);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { id } = await h.enqueue(jobId, accountId, userId);
      await h.db.query(`UPDATE executions SET queued_at = now() - make_interval(mins => $2) + make_interval(secs => $3) WHERE id = $1`, [id, minute, i]);
      ids.push(id);
    }
    return ids;
  }

  async function claim(limit = 0): Promise<Execution | null> {
    return (await h.queue.claimNext('worker-a', 60, limit)).claimed;
  }

  async function end(execution: Execution): Promise<void> {
    await h.writer.change(execution.id, execution.attempt, () => ({ status: 'RUNNING' }));
    await h.writer.change(execution.id, execution.attempt, () => ({ status: 'SUCCESS' }));
  }

  it('claims FIFO within an account, and takes turns between accounts: the one with fewer active runs first', async () => {
    // Account a queued everything before account b: FIFO alone would run a's three first.
    const a = await queue(3, 10);
    const b = await queue(2, 5);
    const order: string[] = [];
    for (let claimed = await claim(); claimed; claimed = await claim()) order.push(claimed.id);
    expect(order).toEqual([a[0], b[0], a[1], b[1], a[2]]);
    const rows = await h.db.query<{ status: string; attempt: number; owner: string }>(`SELECT status, attempt, owner FROM executions`);
    expect(rows.every((r) => r.status === 'INITIALIZING' && r.attempt === 1 && r.owner === 'worker-a')).toBe(true);
  });

  it('holds an account at its limit of active runs while another account runs, and claims its next run once one ends', async () => {
    const a = await queue(2, 10);
    const b = await queue(1, 5);
    const first = (await claim(1))!;
    expect(first.id).toBe(a[0]);
    expect((await claim(1))!.id).toBe(b[0]);
    // a has one run active, its limit: its second waits, though it was queued first.
    expect(await claim(1)).toBeNull();
    expect((await h.row(a[1])).status).toBe('PENDING');
    await end(first);
    expect((await claim(1))!.id).toBe(a[1]);
  });

  it('stores the claim as a record with its attempt and owner, and says whether more runs wait', async () => {
    const [one] = await queue(2, 1);
    const { claimed, more } = await h.queue.claimNext('worker-a', 60, 0);
    expect(claimed!.id).toBe(one);
    expect(more).toBe(true);
    const records = await h.db.query<{ counter: number; event_data: unknown }>(`SELECT counter, event_data FROM status_records WHERE execution_id = $1 ORDER BY counter`, [one]);
    expect(records).toEqual([
      { counter: 1, event_data: { status: 'PENDING' } },
      { counter: 2, event_data: { status: 'INITIALIZING', attempt: 1, owner: 'worker-a' } },
    ]);
    expect((await h.queue.claimNext('worker-a', 60, 0)).more).toBe(false);
  });

  it('claims from many owners at once, each limited to one run an account: no deadlock, every run once, FIFO per account, never two runs of an account', async () => {
    // A claim that finds its first account at the limit holds that account's lock and only tries the
    // next ones; waiting for them instead could deadlock with another owner holding them.
    const accounts = await Promise.all([1, 2, 3, 4, 5, 6].map((minute) => queue(4, minute)));
    const claimedOrder = new Map<string, string[]>();
    const active = new Map<string, number>();
    let peak = 0;
    const owner = async (name: string): Promise<void> => {
      for (let idle = 0; idle < 20; ) {
        const { claimed } = await h.queue.claimNext(name, 60, 1);
        if (!claimed) {
          idle++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        idle = 0;
        claimedOrder.set(claimed.accountId, [...(claimedOrder.get(claimed.accountId) ?? []), claimed.id]);
        active.set(claimed.accountId, (active.get(claimed.accountId) ?? 0) + 1);
        peak = Math.max(peak, ...active.values());
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
        await end(claimed);
        active.set(claimed.accountId, active.get(claimed.accountId)! - 1);
      }
    };
    await Promise.all(['w1', 'w2', 'w3', 'w4'].map(owner));
    for (const ids of accounts) expect(claimedOrder.get((await h.row(ids[0])).accountId)).toEqual(ids);
    expect(peak).toBe(1);
    const [{ attempts }] = await h.db.query<{ attempts: string }>(`SELECT sum(attempt) AS attempts FROM executions`);
    expect(Number(attempts)).toBe(24);
  });

  it('renewLeases extends only the leases this owner holds at that attempt, of runs it still owns', async () => {
    await queue(3, 1);
    const [held, stale, ended] = [(await claim())!, (await claim())!, (await claim())!];
    await h.db.query(`UPDATE executions SET lease_expires_at = now() - interval '1 minute'`);
    await h.db.query(`UPDATE executions SET attempt = attempt + 1 WHERE id = $1`, [stale.id]);
    await end(ended);
    const renewed = await h.queue.renewLeases('worker-a', [held, stale, ended].map(({ id, attempt }) => ({ id, attempt })), 120);
    expect(renewed).toEqual([{ id: held.id, attempt: 1, status: 'INITIALIZING' }]);
    expect(await h.queue.renewLeases('worker-b', [{ id: held.id, attempt: 1 }], 120)).toEqual([]);
    const leases = await h.db.query<{ id: string; live: boolean }>(`SELECT id, lease_expires_at > now() + interval '100 seconds' AS live FROM executions WHERE lease_expires_at IS NOT NULL`);
    expect(Object.fromEntries(leases.map((l) => [l.id, l.live]))).toEqual({ [held.id]: true, [stale.id]: false });
  });

  it('lapsed() lists the owned runs whose lease has passed, and no others', async () => {
    await queue(4, 1);
    const [lapsedRun, live, ended] = [(await claim())!, (await claim())!, (await claim())!];
    await end(ended);
    await h.db.query(`UPDATE executions SET lease_expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [[lapsedRun.id, ended.id]]);
    // The fourth is still PENDING: not owned, never lapsed.
    expect(await h.queue.lapsed()).toEqual([{ id: lapsedRun.id, attempt: 1 }]);
    expect(live.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("requested() tells an owner the run's status and stop grace, and null once the row is gone", async () => {
    const [id] = await queue(1, 1);
    const claimed = (await claim())!;
    await h.writer.change(id, claimed.attempt, () => ({ status: 'STOPPING', set: { stopGraceSeconds: 7 } }));
    expect(await h.queue.requested(id)).toEqual({ status: 'STOPPING', stopGraceSeconds: 7 });
    await h.db.query(`DELETE FROM executions WHERE id = $1`, [id]);
    expect(await h.queue.requested(id)).toBeNull();
  });

  it('activePrefixes() names the workspaces of owned runs only: not a queued one, not an ended one', async () => {
    const [owned, ended, queued] = await queue(3, 1);
    await claim();
    const endedRun = (await claim())!;
    await end(endedRun);
    const prefixes = [owned, ended, queued, 'ffffffff'].map((id) => id.slice(0, 8));
    expect(await h.queue.activePrefixes(prefixes)).toEqual(new Set([owned.slice(0, 8)]));
  });
});
