import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, ExecutionFigures, ExecutionReads, RunTotals } from '@app/database';
import { RUN_DURATION_BUCKETS_SECONDS, TERMINAL_STATUSES } from '@app/domain';
import { AccountQueues1733700000000 } from '../../migrations/1733700000000-account-queues';
import { JobRuns1733800000000 } from '../../migrations/1733800000000-job-runs';
import { LeanerQueueTriggers1734000000000 } from '../../migrations/1734000000000-leaner-queue-triggers';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * account_queues (migration 1733700000000) is what the claim reads instead of the whole queue; if it
 * drifted, a waiting run could be invisible to every worker. Its trigger is checked here against the
 * truth (the executions table) after concurrent enqueues, claims, record batches, ends, requeues,
 * restarts, cancels and deletes in the same few accounts, and after an account is deleted with its
 * runs; /metrics' figures, read from it, against counting every row. job_runs (migration
 * 1733800000000), the lists' totals, is checked the same way, and run_totals_recount() against both.
 */
describe('account_queues and job_runs follow the executions table', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;
  let executions: ExecutionReads;
  let totals: RunTotals;
  /** An (account, job) pair for each job: two jobs in each of four accounts. */
  const accounts: { id: string; jobId: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 8 });
    dataSource = await createDataSource(db.url, 2).initialize();
    totals = new RunTotals(dataSource);
    executions = new ExecutionReads(dataSource, totals);
    // AQ1 below AQ0, AQ3 below AQ2: trees for the totals; two jobs in each account.
    for (let i = 0; i < 4; i++) {
      const [account] = await db.query<{ id: string }>(
        `INSERT INTO accounts (id, alias, name, path, location_alias) VALUES (gen_random_uuid(), $1, 'q', $2, 'CA1') RETURNING id`,
        [`AQ${i}`, i % 2 === 0 ? `/AQ${i}/` : `/AQ${i - 1}/AQ${i}/`],
      );
      for (let j = 0; j < 2; j++) {
        const [job] = await db.query<{ id: string }>(
          `INSERT INTO jobs (id, account_id, description, definition, created_at, updated_at) VALUES (gen_random_uuid(), $1, 'q', '{}', now(), now()) RETURNING id`,
          [account.id],
        );
        accounts.push({ id: account.id, jobId: job.id });
      }
    }
  });
  afterAll(async () => {
    await pool?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Accounts whose account_queues row differs from what the executions table says. */
  async function drift(): Promise<unknown[]> {
    return db.query(`
      WITH truth AS (
        SELECT a.id AS account_id,
               count(e.id) FILTER (WHERE e.status = 'PENDING') AS pending,
               count(e.id) FILTER (WHERE e.status IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')) AS owned,
               min(e.queued_at) FILTER (WHERE e.status = 'PENDING') AS head
          FROM accounts a LEFT JOIN executions e ON e.account_id = a.id GROUP BY a.id)
      SELECT t.*, q.pending AS q_pending, q.owned AS q_owned, q.head_queued_at AS q_head
        FROM truth t LEFT JOIN account_queues q USING (account_id)
       WHERE (t.pending, t.owned) IS DISTINCT FROM (coalesce(q.pending, 0)::bigint, coalesce(q.owned, 0)::bigint)
          OR t.head IS DISTINCT FROM q.head_queued_at`);
  }

  /** Jobs whose job_runs row differs from what the executions table says (runs, by status, records of runs no worker owns). */
  async function jobDrift(): Promise<unknown[]> {
    return db.query(`
      WITH truth AS (
        SELECT j.id AS job_id, count(e.id)::int AS runs,
               coalesce(sum(e.last_counter) FILTER (WHERE e.status NOT IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')), 0)::bigint AS records
          FROM jobs j LEFT JOIN executions e ON e.job_id = j.id GROUP BY j.id),
      by_status AS (SELECT job_id, status, count(*)::int AS n FROM executions GROUP BY job_id, status),
      kept AS (SELECT r.job_id, s.key AS status, s.value::int AS n FROM job_runs r, jsonb_each_text(r.statuses) s WHERE s.value::int <> 0)
      SELECT 'totals' AS kind, t.job_id, t.runs, t.records, r.runs AS kept_runs, r.records AS kept_records
        FROM truth t LEFT JOIN job_runs r USING (job_id) WHERE (t.runs, t.records) IS DISTINCT FROM (r.runs, r.records)
      UNION ALL
      SELECT 'status', job_id, b.n, NULL, k.n, NULL FROM by_status b FULL JOIN kept k USING (job_id, status) WHERE b.n IS DISTINCT FROM k.n`);
  }

  /** RunTotals' answers for every job, account and tree, with and without a status, against counting the rows. */
  async function totalsDrift(): Promise<string[]> {
    const wrong: string[] = [];
    const count = async (where: string, value: string, status?: string): Promise<number> => {
      const [{ n }] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM executions e JOIN accounts a ON a.id = e.account_id WHERE ${where} AND ($2::text IS NULL OR e.status = $2)`,
        [value, status ?? null],
      );
      return n;
    };
    for (const status of [undefined, 'PENDING', 'RUNNING', 'SUCCESS', 'KILLED']) {
      for (const { id, jobId } of accounts) {
        const [{ path }] = await db.query<{ path: string }>(`SELECT path FROM accounts WHERE id = $1`, [id]);
        const pairs: [string, number, number][] = [
          [`job ${jobId}`, await totals.runs({ jobId }, status as never), await count('e.job_id = $1', jobId, status)],
          [`account ${id}`, await totals.runs({ accountId: id }, status as never), await count('e.account_id = $1', id, status)],
          [`tree ${path}`, await totals.runs({ accountPath: path }, status as never), await count('starts_with(a.path, $1)', path, status)],
        ];
        for (const [scope, kept, counted] of pairs) if (kept !== counted) wrong.push(`${scope} ${status ?? 'all'}: ${kept} ≠ ${counted}`);
      }
    }
    for (const { jobId } of accounts) {
      const [{ n }] = await db.query<{ n: number }>(`SELECT coalesce(sum(last_counter), 0)::int AS n FROM executions WHERE job_id = $1`, [jobId]);
      const kept = await totals.records(jobId);
      if (kept !== n) wrong.push(`records of job ${jobId}: ${kept} ≠ ${n}`);
    }
    return wrong;
  }

  /** The /metrics figures counted from every row (what figures() replaced), and what figures() says. */
  async function figuresBothWays(): Promise<[ExecutionFigures, ExecutionFigures]> {
    const byStatus: Record<string, number> = Object.fromEntries(['PENDING', ...TERMINAL_STATUSES].map((s) => [s, 0]));
    let recordsStored = 0;
    for (const row of await db.query<{ status: string; n: number; records: string }>(
      `SELECT status, count(*)::int AS n, sum(last_counter)::bigint AS records FROM executions GROUP BY status`,
    )) {
      byStatus[row.status] = row.n;
      recordsStored += Number(row.records);
    }
    const [d] = await db.query<{ count: number; sum: number; buckets: number[] }>(
      `WITH d AS (SELECT ((t->>'end')::bigint - (t->>'start')::bigint) / 1000.0 AS s FROM executions, jsonb_array_elements(timers) t WHERE t->>'end' IS NOT NULL)
       SELECT count(*)::int AS count, coalesce(sum(s), 0)::float8 AS sum,
              ARRAY[${RUN_DURATION_BUCKETS_SECONDS.map((b) => `count(*) FILTER (WHERE s <= ${b})::int`).join(', ')}] AS buckets FROM d`,
    );
    const buckets = Object.fromEntries(RUN_DURATION_BUCKETS_SECONDS.map((b, i) => [String(b), d.buckets[i]]));
    const counted = { byStatus, recordsStored, durations: { count: d.count, sum: d.sum, buckets } };
    return [counted, await executions.figures()];
  }

  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

  /** One random change of the kinds the service makes, in the claim's own locking where it claims. */
  async function randomChange(): Promise<void> {
    const { id: account, jobId } = pick(accounts);
    const r = Math.random();
    if (r < 0.3) {
      await pool.query(
        `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'PENDING', now() - random() * interval '1 hour', now(), now())`,
        [jobId, account],
      );
    } else if (r < 0.55) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('runner-account:' || $1, 0))`, [account]);
        await client.query(
          `UPDATE executions SET status = 'INITIALIZING', attempt = attempt + 1, last_counter = last_counter + 1,
                  timers = timers || jsonb_build_array(jsonb_build_object('start', (extract(epoch FROM now()) * 1000)::bigint, 'end', NULL))
            WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'PENDING' ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)`,
          [account],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } else if (r < 0.65) {
      // Started, ended (its timer closed, a few seconds to an hour long), requeued by the reaper, or being killed.
      await pool.query(
        `UPDATE executions SET status = $2, last_counter = last_counter + 1,
                timers = CASE WHEN $2 IN ('SUCCESS', 'FAILURE') THEN
                  jsonb_set(timers, ARRAY[(jsonb_array_length(timers) - 1)::text, 'end'], to_jsonb((timers->-1->>'start')::bigint + (random() * 3600000)::bigint))
                  ELSE timers END
          WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status IN ('INITIALIZING', 'RUNNING') LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account, pick(['RUNNING', 'SUCCESS', 'FAILURE', 'PENDING', 'KILLING'])],
      );
    } else if (r < 0.75) {
      // A record batch of a run in any state, a failed run restarted, a waiting run moved.
      await pool.query(
        `UPDATE executions SET last_counter = last_counter + 5 WHERE id = (SELECT id FROM executions WHERE account_id = $1 ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
      await pool.query(
        `UPDATE executions SET status = 'PENDING' WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'FAILURE' LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
      // A waiting run moved in the queue (as an operator's UPDATE, or a test's, would).
      await pool.query(
        `UPDATE executions SET queued_at = queued_at - random() * interval '2 hours'
          WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'PENDING' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
    } else if (r < 0.85) {
      await pool.query(
        `UPDATE executions SET status = 'STOPPED'
          WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'PENDING' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
    } else if (r < 0.9) {
      await pool.query(`UPDATE executions SET status = 'KILLED' WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'KILLING' LIMIT 1 FOR UPDATE SKIP LOCKED)`, [account]);
    } else if (r < 0.93) {
      await pool.query(
        `DELETE FROM executions WHERE id IN (SELECT id FROM executions WHERE account_id = $1 AND status IN ('PENDING', 'RUNNING', 'SUCCESS') LIMIT 3 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
    } else if (r < 0.965) {
      // One statement over every job: waiting runs, owned ones, and ended ones with closed timers and
      // records (an import, or a bulk load like the bench's seeding).
      await pool.query(
        `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at, last_counter, timers)
         SELECT gen_random_uuid(), j.id, j.account_id, s.status, now() - random() * interval '1 hour', now(), now(),
                CASE WHEN s.status = 'PENDING' THEN 0 ELSE 3 END,
                CASE WHEN s.status IN ('SUCCESS', 'FAILURE') THEN jsonb_build_array(jsonb_build_object('start', 0, 'end', (random() * 4000000)::bigint))
                     WHEN s.status = 'RUNNING' THEN '[{"start": 0, "end": null}]'::jsonb ELSE '[]'::jsonb END
           FROM jobs j, unnest($1::text[]) s(status), generate_series(1, 2) i WHERE j.id = ANY($2::uuid[])`,
        [[pick(['PENDING', 'SUCCESS']), pick(['PENDING', 'RUNNING', 'FAILURE', 'STOPPED'])], accounts.map((a) => a.jobId)],
      );
    } else {
      // One statement over every account, of runs in any status (retention's batches, an account's deletion).
      await pool.query(`DELETE FROM executions WHERE id IN (SELECT id FROM executions ORDER BY random() LIMIT 12 FOR UPDATE SKIP LOCKED)`);
    }
  }

  it('stays exact under concurrent enqueues, claims, batches, ends, requeues, restarts, cancels, deletes, bulk inserts and deletes over many accounts, and recounts; figures() equals counting every row', async () => {
    let done = 0;
    const lane = async (): Promise<void> => {
      for (let i = 0; i < 250; i++, done++) await randomChange();
    };
    // An operator's recount in the middle of it all (run_totals_recount() locks both tables first).
    const recounts = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        await pool.query('SELECT run_totals_recount()');
      }
    };
    await Promise.all([...Array.from({ length: 8 }, lane), recounts()]);
    expect(done).toBe(2000);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM executions`);
    expect(n).toBeGreaterThan(0);
    expect(await drift()).toEqual([]);
    expect(await jobDrift()).toEqual([]);
    expect(await totalsDrift()).toEqual([]);
    const [counted, kept] = await figuresBothWays();
    expect(counted.durations.count).toBeGreaterThan(0);
    expect({ ...kept, durations: { ...kept.durations, sum: Math.round(kept.durations.sum) } }).toEqual({
      ...counted,
      durations: { ...counted.durations, sum: Math.round(counted.durations.sum) },
    });
  });

  it('run_totals_recount() computes from the rows exactly what the triggers kept', async () => {
    const snapshot = () =>
      Promise.all([
        // duration_sum to the millisecond: sums of floats in another order differ in the last bits.
        db.query(`SELECT *, round(duration_sum::numeric, 3) AS duration_sum FROM account_queues ORDER BY account_id`),
        db.query(`SELECT job_id, account_id, runs, records, (SELECT jsonb_object_agg(key, value) FROM jsonb_each(statuses) WHERE value::int <> 0) AS statuses
                    FROM job_runs ORDER BY job_id`),
      ]);
    const kept = await snapshot();
    await db.query(`UPDATE job_runs SET runs = 0, statuses = '{}', records = 0`);
    await db.query(`UPDATE account_queues SET pending = 0, owned = 0, records = 0, ended_success = 7`);
    await db.query(`SELECT run_totals_recount()`);
    expect(await snapshot()).toEqual(kept);
  });

  it('is filled from the existing rows when the migrations run on a service with history', async () => {
    const migrations = [new AccountQueues1733700000000(), new JobRuns1733800000000(), new LeanerQueueTriggers1734000000000()];
    const runner = dataSource.createQueryRunner();
    try {
      for (const migration of [...migrations].reverse()) await migration.down(runner);
      for (const migration of migrations) await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await drift()).toEqual([]);
    expect(await jobDrift()).toEqual([]);
    expect(await totalsDrift()).toEqual([]);
    const [counted, kept] = await figuresBothWays();
    expect(kept.recordsStored).toBe(counted.recordsStored);
    expect(kept.byStatus).toEqual(counted.byStatus);
    expect(kept.durations.buckets).toEqual(counted.durations.buckets);
  });

  it('lists every account with a waiting run as ready, in the claim order: fewest owned, then the oldest head', async () => {
    const ready = await db.query<{ account_id: string }>(
      `SELECT account_id FROM account_queues WHERE pending > 0 ORDER BY owned, head_queued_at LIMIT 20`,
    );
    const expected = await db.query<{ account_id: string }>(`
      SELECT account_id FROM executions WHERE status = 'PENDING' GROUP BY account_id
       ORDER BY (SELECT count(*) FROM executions o WHERE o.account_id = executions.account_id
                   AND o.status IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')), min(queued_at)`);
    expect(ready.map((r) => r.account_id)).toEqual(expected.map((r) => r.account_id));
  });

  it('writes each account and job once for a statement over many runs, and finds the heads again after one deletes them', async () => {
    await db.query(
      `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at)
       SELECT gen_random_uuid(), j.id, j.account_id, 'PENDING', now() - i * interval '1 minute', now(), now()
         FROM jobs j, generate_series(1, 50) i WHERE j.id = ANY($1::uuid[])`,
      [accounts.map((a) => a.jobId)],
    );
    expect(await drift()).toEqual([]);
    // Row versions written by the statement (the transaction's own statistics, read before and after it).
    const updates = async () =>
      (await db.query<{ n: number }>(`SELECT n_tup_upd::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'account_queues'`))[0].n;
    await db.query('BEGIN');
    const before = await updates();
    // Every account's head (its oldest waiting run) and the next two, in one statement.
    await db.query(
      `DELETE FROM executions WHERE id IN (
         SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY queued_at, id) AS n FROM executions WHERE status = 'PENDING') h WHERE n <= 3)`,
    );
    expect((await updates()) - before).toBe(4);
    await db.query('COMMIT');
    expect(await drift()).toEqual([]);
    expect(await jobDrift()).toEqual([]);
  });

  it('lets an account be deleted with its queued and running runs, and forgets it', async () => {
    const { id: account, jobId } = accounts[0];
    await db.query(
      `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, s, now(), now(), now() FROM unnest(ARRAY['PENDING', 'PENDING', 'RUNNING']) s`,
      [jobId, account],
    );
    await db.query(`DELETE FROM accounts WHERE id = $1`, [account]);
    expect(await db.query(`SELECT * FROM account_queues WHERE account_id = $1`, [account])).toEqual([]);
    expect(await db.query(`SELECT * FROM job_runs WHERE account_id = $1`, [account])).toEqual([]);
    expect(await drift()).toEqual([]);
    expect(await jobDrift()).toEqual([]);
  });
});
