import { MigrationInterface, QueryRunner } from 'typeorm';

const OWNED = `ARRAY['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING']`;

/**
 * The totals of the paged lists, at any depth (README "Depth").
 *
 * A list's `totalSize` was a count(*) of every matching row: with a year of runs that is a scan of a
 * million index entries for every page of a job's runs, an account's or the activity page, and of
 * ten million for the status records of a job. `job_runs` holds one row per job: its runs, by status,
 * and the status records of its runs that no worker owns (an owned run's grow with every batch; the
 * few owned runs are read live, as /metrics does). A trigger on `executions` keeps it exact in the
 * same statement that enqueues, ends, requeues or deletes a run, like account_queues (1733700000000),
 * so every path is covered without knowing of it. An account's or a tree's total is the sum of its
 * jobs' rows (job_runs_account_idx).
 *
 * `run_totals_recount()` computes both tables again from the rows: the backfill here, and the step
 * after a bulk load that bypassed the triggers (the bench's seeding does that; so may an operator's
 * import, with session_replication_role = replica).
 *
 * The lists narrowed by status get indexes in their order too: without them, a page of a rare
 * status (KILLED in a history of successes) reads every run of the job or account to find none.
 */
export class JobRuns1733800000000 implements MigrationInterface {
  name = 'JobRuns1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE job_runs (
        job_id uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        runs integer NOT NULL DEFAULT 0,
        statuses jsonb NOT NULL DEFAULT '{}',
        records bigint NOT NULL DEFAULT 0
      )`);
    // job_runs_account_idx: an account's (or a tree's) totals, summed over its jobs.
    await q.query(`CREATE INDEX job_runs_account_idx ON job_runs (account_id)`);

    await q.query(`CREATE FUNCTION job_runs_create() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO job_runs (job_id, account_id) VALUES (NEW.id, NEW.account_id); RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER jobs_runs AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION job_runs_create()`);

    // {status: runs} with `delta` added to `status` (nothing when status is null).
    await q.query(`CREATE FUNCTION status_count_add(counts jsonb, status text, delta integer) RETURNS jsonb
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN status IS NULL THEN counts
                    ELSE jsonb_set(counts, ARRAY[status], to_jsonb(coalesce((counts->>status)::int, 0) + delta)) END $$`);

    await q.query(`CREATE FUNCTION job_runs_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_status text := CASE WHEN TG_OP <> 'INSERT' THEN OLD.status END;
        new_status text := CASE WHEN TG_OP <> 'DELETE' THEN NEW.status END;
        old_records bigint := CASE WHEN old_status IS NOT NULL AND NOT old_status = ANY (${OWNED}) THEN OLD.last_counter ELSE 0 END;
        new_records bigint := CASE WHEN new_status IS NOT NULL AND NOT new_status = ANY (${OWNED}) THEN NEW.last_counter ELSE 0 END;
      BEGIN
        -- Most writes (a record batch of a running run) move nothing here.
        IF old_status IS NOT DISTINCT FROM new_status AND old_records = new_records THEN
          RETURN NULL;
        END IF;
        UPDATE job_runs SET
            runs = runs + (new_status IS NOT NULL)::int - (old_status IS NOT NULL)::int,
            statuses = status_count_add(status_count_add(statuses, new_status, 1), old_status, -1),
            records = records + new_records - old_records
         WHERE job_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.job_id ELSE NEW.job_id END;
        RETURN NULL;
      END $$`);
    // Named to fire after executions_account_queue (triggers fire by name): a run's change locks its
    // account's row before its job's, always in that order.
    await q.query(`CREATE TRIGGER executions_job_runs AFTER INSERT OR DELETE OR UPDATE OF status, last_counter ON executions
        FOR EACH ROW EXECUTE FUNCTION job_runs_follow()`);

    // executions_job_status_idx / executions_account_status_idx: ?status= lists, newest first.
    await q.query(`CREATE INDEX executions_job_status_idx ON executions (job_id, status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_account_status_idx ON executions (account_id, status, created_at DESC, id DESC)`);

    // EXCLUSIVE first: a writer's trigger waits until the recount commits, then adds its change to
    // the recounted row. Without it, a recount on a live service can overwrite a change committed
    // after its snapshot (a lasting drift), or deadlock with a claim.
    await q.query(`CREATE FUNCTION run_totals_recount() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE account_queues, job_runs IN EXCLUSIVE MODE;
        INSERT INTO job_runs (job_id, account_id) SELECT id, account_id FROM jobs ON CONFLICT DO NOTHING;
        UPDATE job_runs r SET runs = coalesce(f.runs, 0), statuses = coalesce(f.statuses, '{}'), records = coalesce(f.records, 0)
          FROM (SELECT j.id, c.runs, c.statuses, c.records FROM jobs j LEFT JOIN LATERAL (
                  SELECT sum(n)::int AS runs, jsonb_object_agg(status, n) AS statuses, sum(records) AS records
                    FROM (SELECT status, count(*) AS n, coalesce(sum(last_counter) FILTER (WHERE NOT status = ANY (${OWNED})), 0) AS records
                            FROM executions WHERE job_id = j.id GROUP BY status) s) c ON true) f
         WHERE r.job_id = f.id;

        INSERT INTO account_queues (account_id) SELECT id FROM accounts ON CONFLICT DO NOTHING;
        UPDATE account_queues q SET
            pending = coalesce(f.pending, 0), owned = coalesce(f.owned, 0), head_queued_at = f.head,
            ended_success = coalesce(f.success, 0), ended_failure = coalesce(f.failure, 0), ended_init_failure = coalesce(f.init_failure, 0),
            ended_stopped = coalesce(f.stopped, 0), ended_killed = coalesce(f.killed, 0), records = coalesce(f.records, 0),
            duration_count = coalesce(f.d_count, 0), duration_sum = coalesce(f.d_sum, 0), duration_buckets = coalesce(f.d_buckets, '{0,0,0,0,0,0,0,0}')
          FROM (SELECT a.id, c.* FROM accounts a LEFT JOIN LATERAL (
                  SELECT count(*) FILTER (WHERE status = 'PENDING') AS pending, count(*) FILTER (WHERE owned) AS owned,
                         min(queued_at) FILTER (WHERE status = 'PENDING') AS head,
                         count(*) FILTER (WHERE status = 'SUCCESS') AS success, count(*) FILTER (WHERE status = 'FAILURE') AS failure,
                         count(*) FILTER (WHERE status = 'INIT_FAILURE') AS init_failure, count(*) FILTER (WHERE status = 'STOPPED') AS stopped,
                         count(*) FILTER (WHERE status = 'KILLED') AS killed,
                         sum(last_counter) FILTER (WHERE NOT owned) AS records,
                         sum(d.n) FILTER (WHERE NOT owned) AS d_count, sum(d.total) FILTER (WHERE NOT owned) AS d_sum,
                         ARRAY[${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `coalesce(sum(d.buckets[${i}]) FILTER (WHERE NOT owned), 0)`).join(', ')}]::int[] AS d_buckets
                    FROM (SELECT *, status = ANY (${OWNED}) AS owned FROM executions WHERE account_id = a.id) e
                         CROSS JOIN LATERAL run_durations(e.timers) d) c ON true) f
         WHERE q.account_id = f.id;
      END $$`);
    await q.query(`SELECT run_totals_recount()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION run_totals_recount()`);
    await q.query(`DROP INDEX executions_account_status_idx`);
    await q.query(`DROP INDEX executions_job_status_idx`);
    await q.query(`DROP TRIGGER executions_job_runs ON executions`);
    await q.query(`DROP TRIGGER jobs_runs ON jobs`);
    await q.query(`DROP FUNCTION job_runs_follow()`);
    await q.query(`DROP FUNCTION job_runs_create()`);
    await q.query(`DROP FUNCTION status_count_add(jsonb, text, integer)`);
    await q.query(`DROP TABLE job_runs`);
  }
}
