import { randomUUID } from 'node:crypto';
import { WorkerHarness } from '../../support/worker-harness';

/** ExecutionReads, the api's reads of runs, on the cloned template: pages, filters, the account tree's scope. */
describe('ExecutionReads on PostgreSQL', () => {
  let h: WorkerHarness;
  /** Accounts by path: a parent, its child, a sibling whose path starts like the parent's, one with LIKE's wildcards in it. */
  const accounts: Record<string, { accountId: string; jobId: string; runs: string[] }> = {};

  beforeAll(async () => {
    h = await WorkerHarness.start();
    for (const path of ['/P/', '/P/C/', '/PX/', '/Q_%/', '/QA/']) {
      const accountId = randomUUID();
      await h.db.query(`INSERT INTO accounts (id, alias, name, path, location_alias) VALUES ($1, $2, $2, $3, 'X')`, [accountId, `A${accountId.slice(0, 8)}`, path]);
      const jobId = await h.job(accountId);
      const runs: string[] = [];
      // Three runs each, created a minute apart (oldest first).
      for (let i = 0; i < 3; i++) {
        const { id } = await h.enqueue(jobId, accountId, null);
        await h.db.query(`UPDATE executions SET created_at = timestamptz '2026-01-01T00:00:00Z' + make_interval(mins => $2) WHERE id = $1`, [id, i]);
        runs.push(id);
      }
      accounts[path] = { accountId, jobId, runs };
    }
  });
  afterAll(() => h.stop());

  const ids = (page: [{ id: string }[], number]) => [page[0].map((e) => e.id), page[1]];

  it("pages an account's runs newest first, with the total, and narrows them by status, job and creation time", async () => {
    const { accountId, jobId, runs } = accounts['/P/'];
    expect(ids(await h.reads.page({ accountId }, 0, 2))).toEqual([[runs[2], runs[1]], 3]);
    expect(ids(await h.reads.page({ accountId }, 1, 2))).toEqual([[runs[0]], 3]);
    expect(ids(await h.reads.page({ jobId }, 0, 10))).toEqual([[runs[2], runs[1], runs[0]], 3]);
    const to = new Date('2026-01-01T00:01:00Z');
    expect(ids(await h.reads.page({ accountId, from: to, to }, 0, 10))).toEqual([[runs[1]], 1]);
    await h.db.query(`UPDATE executions SET status = 'STOPPED' WHERE id = $1`, [runs[0]]);
    expect(ids(await h.reads.page({ accountId, status: 'STOPPED' }, 0, 10))).toEqual([[runs[0]], 1]);
    expect(ids(await h.reads.page({ accountId, jobId: accounts['/PX/'].jobId }, 0, 10))).toEqual([[], 0]);
  });

  it("pages an account tree: the account's and its descendants' runs, never a sibling whose path merely starts alike", async () => {
    const [page, total] = await h.reads.pageInTree('/P/', {}, 0, 100);
    expect(new Set(page.map((e) => e.id))).toEqual(new Set([...accounts['/P/'].runs, ...accounts['/P/C/'].runs]));
    expect(total).toBe(6);
    const [child] = await h.reads.pageInTree('/P/C/', {}, 0, 100);
    expect(new Set(child.map((e) => e.id))).toEqual(new Set(accounts['/P/C/'].runs));
  });

  it("pages a tree in one order across its accounts (newest first, then id), each page where the last ended", async () => {
    const [all] = await h.reads.pageInTree('/P/', {}, 0, 100);
    const newestFirst = [...all].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    expect(all.map((e) => e.id)).toEqual(newestFirst.map((e) => e.id));
    const pages = [];
    for (let page = 0; page < 3; page++) pages.push(...(await h.reads.pageInTree('/P/', {}, page, 2))[0]);
    expect(pages.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect((await h.reads.pageInTree('/P/', {}, 3, 2))[0]).toEqual([]);
  });

  it("reads a path's % and _ as text, not as LIKE wildcards", async () => {
    const [page, total] = await h.reads.pageInTree('/Q_%/', {}, 0, 100);
    expect(new Set(page.map((e) => e.id))).toEqual(new Set(accounts['/Q_%/'].runs));
    expect(total).toBe(3);
  });

  it('finds a run only in its own job, and scopes it to its account', async () => {
    const { accountId, jobId, runs } = accounts['/P/C/'];
    expect((await h.reads.findInJob(jobId, runs[0]))!.id).toBe(runs[0]);
    expect(await h.reads.findInJob(accounts['/P/'].jobId, runs[0])).toBeNull();
    expect(await h.reads.scope(runs[0])).toMatchObject({ jobId, accountId, accountPath: '/P/C/', createdAt: Date.parse('2026-01-01T00:00:00Z') });
    expect(await h.reads.scope(randomUUID())).toBeNull();
  });

  it("lists the active runs' counters of a job, or of an account tree", async () => {
    const { jobId, runs } = accounts['/QA/'];
    await h.db.query(`UPDATE executions SET status = 'SUCCESS' WHERE id = $1`, [runs[0]]);
    const ofJob = await h.reads.activeCounters({ accountPath: '/QA/', jobId });
    expect(new Set(ofJob.map((a) => a.id))).toEqual(new Set(runs.slice(1)));
    // A job outside the tree has no runs in it.
    expect(await h.reads.activeCounters({ accountPath: '/P/', jobId })).toEqual([]);
    expect(ofJob.every((a) => a.lastCounter === 1)).toBe(true);
    const ofTree = await h.reads.activeCounters({ accountPath: '/QA/' });
    expect(new Set(ofTree.map((a) => a.id))).toEqual(new Set(runs.slice(1)));
    // The path with LIKE's wildcards in it: its own runs, none of /QA/'s (which '/Q_%/' would match as a pattern).
    const wild = await h.reads.activeCounters({ accountPath: '/Q_%/' });
    expect(new Set(wild.map((a) => a.id))).toEqual(new Set(accounts['/Q_%/'].runs));
    expect((await h.reads.activeForJob(jobId)).map((e) => e.id).sort()).toEqual(runs.slice(1).sort());
  });
});
