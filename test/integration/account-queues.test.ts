import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * account_queues (migration 1733700000000) is what the claim reads instead of the whole queue; if it
 * drifted, a waiting run could be invisible to every worker. Its trigger is checked here against the
 * truth (the executions table) after concurrent enqueues, claims, ends, requeues, cancels and
 * deletes in the same few accounts, and after an account is deleted with its runs.
 */
describe('account_queues follows the executions table', () => {
  let db: TestDatabase;
  let pool: Pool;
  const accounts: { id: string; jobId: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 8 });
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
          `UPDATE executions SET status = 'INITIALIZING', attempt = attempt + 1
            WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'PENDING' ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)`,
          [account],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } else if (r < 0.75) {
      // Started, ended, requeued by the reaper, or being killed.
      await pool.query(
        `UPDATE executions SET status = $2
          WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status IN ('INITIALIZING', 'RUNNING') LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [account, pick(['RUNNING', 'SUCCESS', 'PENDING', 'KILLING'])],
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

  it('stays exact under concurrent enqueues, claims, ends, requeues, cancels and deletes', async () => {
    let done = 0;
    const lane = async (): Promise<void> => {
      for (let i = 0; i < 250; i++, done++) await randomChange();
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect(done).toBe(2000);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM executions`);
    expect(n).toBeGreaterThan(0);
    expect(await drift()).toEqual([]);
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
