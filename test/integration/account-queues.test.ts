import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, ExecutionFigures, ExecutionReads } from '@app/database';
import { RUN_DURATION_BUCKETS_SECONDS, TERMINAL_STATUSES } from '@app/domain';
import { AccountQueues1733700000000 } from '../../migrations/1733700000000-account-queues';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * account_queues (migration 1733700000000) is what the claim reads instead of the whole queue; if it
 * drifted, a waiting run could be invisible to every worker. Its trigger is checked here against the
 * truth (the executions table) after concurrent enqueues, claims, record batches, ends, requeues,
 * restarts, cancels and deletes in the same few accounts, and after an account is deleted with its
 * runs; /metrics' figures, read from it, against counting every row.
 */
describe('account_queues follows the executions table', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;
  let executions: ExecutionReads;
  const accounts: { id: string; jobId: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 8 });
    dataSource = await createDataSource(db.url, 2).initialize();
    executions = new ExecutionReads(dataSource);
    for (let i = 0; i < 3; i++) {
      const [account] = await db.query<{ id: string }>(
        `INSERT INTO accounts (id, alias, name, path, location_alias) VALUES (gen_random_uuid(), $1, 'q', $2, 'CA1') RETURNING id`,
        [`AQ${i}`, `/AQ${i}/`],
      );
      const [job] = await db.query<{ id: string }>(
        `INSERT INTO jobs (id, account_id, description, definition, created_at, updated_at) VALUES (gen_random_uuid(), $1, 'q', '{}', now(), now()) RETURNING id`,
        [account.id],
      );
      accounts.push({ id: account.id, jobId: job.id });
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
    } else if (r < 0.93) {
      await pool.query(`UPDATE executions SET status = 'KILLED' WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'KILLING' LIMIT 1 FOR UPDATE SKIP LOCKED)`, [account]);
    } else {
      await pool.query(
        `DELETE FROM executions WHERE id IN (SELECT id FROM executions WHERE account_id = $1 AND status IN ('PENDING', 'RUNNING', 'SUCCESS') LIMIT 3 FOR UPDATE SKIP LOCKED)`,
        [account],
      );
    }
  }

  it('stays exact under concurrent enqueues, claims, batches, ends, requeues, restarts, cancels and deletes; figures() equals counting every row', async () => {
    let done = 0;
    const lane = async (): Promise<void> => {
      for (let i = 0; i < 250; i++, done++) await randomChange();
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect(done).toBe(2000);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM executions`);
    expect(n).toBeGreaterThan(0);
    expect(await drift()).toEqual([]);
    const [counted, kept] = await figuresBothWays();
    expect(counted.durations.count).toBeGreaterThan(0);
    expect({ ...kept, durations: { ...kept.durations, sum: Math.round(kept.durations.sum) } }).toEqual({
      ...counted,
      durations: { ...counted.durations, sum: Math.round(counted.durations.sum) },
    });
  });

  it('is filled from the existing rows when the migration runs on a service with history', async () => {
    const migration = new AccountQueues1733700000000();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await drift()).toEqual([]);
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

  it('lets an account be deleted with its queued and running runs, and forgets it', async () => {
    const { id: account, jobId } = accounts[0];
    await db.query(
      `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, s, now(), now(), now() FROM unnest(ARRAY['PENDING', 'PENDING', 'RUNNING']) s`,
      [jobId, account],
    );
    await db.query(`DELETE FROM accounts WHERE id = $1`, [account]);
    expect(await db.query(`SELECT * FROM account_queues WHERE account_id = $1`, [account])).toEqual([]);
    expect(await drift()).toEqual([]);
  });
});
