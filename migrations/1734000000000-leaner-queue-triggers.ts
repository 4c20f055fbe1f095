import { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCOUNT_QUEUE_FOLLOW } from './1733700000000-account-queues';

const OWNED = `ARRAY['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING']`;
const BUCKET_SUMS = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `sum(d.buckets[${i}])`).join(', ');

/**
 * The triggers that keep account_queues and job_runs (1733700000000, 1733800000000) do only the work
 * a change needs (README "Depth").
 *
 * Inserts and deletes are followed once per statement, not once per row. A statement that enqueued
 * 100 runs of an account wrote its account_queues row 100 times, each a new version of the row that
 * no one could clean up before the statement committed: bench figure 8's seeding (300,000 runs in
 * three statements) left that table of 1,321 rows at 6,150 pages, and /metrics, which reads all of
 * it, took 4.2 ms instead of 0.4 (the rest of figure 9's /metrics miss). Retention's batches of 500
 * runs and an account's deletion did the same. Now each statement's runs are summed per account and
 * per job from its transition table, and each row is written once; the rows are locked first in key
 * order, so two bulk statements cannot deadlock.
 *
 * Updates stay per row (a claim, an end: one run at a time; PostgreSQL gives no transition table to a
 * trigger on chosen columns), and account_queue_follow() now does only what the change needs:
 * - a change that moves none of the row's figures returns at once (between owned statuses, or a
 *   record batch of an owned run); it used to write the row anyway;
 * - the timers are read only when a kept run's timers differ from what the row counted
 *   (`run_durations` is not called for a first claim: a waiting run that never ran has none);
 * - the bucket arrays are added only when the durations moved;
 * - a claim writes its account's row once, not twice (see the head below).
 * A claim spent ~0.45 ms of ~1.3 ms in this trigger on an idle machine; now ~0.2.
 *
 * What the rows hold is unchanged: test/integration/account-queues.test.ts checks them against a
 * recount under concurrent claims, ends, requeues, restarts, bulk inserts and deletes.
 */
export class LeanerQueueTriggers1734000000000 implements MigrationInterface {
  name = 'LeanerQueueTriggers1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION account_queue_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        owned_statuses CONSTANT text[] := ARRAY['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING'];
        ended_statuses CONSTANT text[] := ARRAY['SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED'];
        no_timers CONSTANT jsonb := '[]';
        -- Only updates come here (inserts and deletes: account_queue_follow_rows()).
        old_status text := OLD.status;
        new_status text := NEW.status;
        was_pending boolean := old_status = 'PENDING';
        is_pending boolean := new_status = 'PENDING';
        was_owned boolean := old_status = ANY (owned_statuses);
        is_owned boolean := new_status = ANY (owned_statuses);
        old_ended text := CASE WHEN old_status = ANY (ended_statuses) THEN old_status END;
        new_ended text := CASE WHEN new_status = ANY (ended_statuses) THEN new_status END;
        -- Waiting and ended runs are counted here (a restarted or requeued run waits with closed
        -- timers and its records); an owned run's grow with every batch, so /metrics reads those few live.
        was_kept boolean := NOT was_owned;
        is_kept boolean := NOT is_owned;
        old_records bigint := CASE WHEN was_kept THEN OLD.last_counter ELSE 0 END;
        new_records bigint := CASE WHEN is_kept THEN NEW.last_counter ELSE 0 END;
        old_timers jsonb := CASE WHEN was_kept THEN OLD.timers ELSE no_timers END;
        new_timers jsonb := CASE WHEN is_kept THEN NEW.timers ELSE no_timers END;
        timers_moved boolean := old_timers IS DISTINCT FROM new_timers;
        account uuid := NEW.account_id;
        -- A waiting run whose place in the queue moved (an operator's or a test's UPDATE of queued_at).
        requeued boolean := was_pending AND is_pending AND OLD.queued_at IS DISTINCT FROM NEW.queued_at;
        old_n integer := 0; old_total double precision := 0; old_buckets integer[] := '{0,0,0,0,0,0,0,0}';
        new_n integer := 0; new_total double precision := 0; new_buckets integer[] := '{0,0,0,0,0,0,0,0}';
        head timestamptz;
        head_moved boolean := false;
      BEGIN
        IF was_pending = is_pending AND was_owned = is_owned AND old_ended IS NOT DISTINCT FROM new_ended
           AND old_records = new_records AND NOT timers_moved AND NOT requeued THEN
          RETURN NULL;
        END IF;
        IF timers_moved THEN
          IF old_timers <> no_timers THEN SELECT n, total, buckets INTO old_n, old_total, old_buckets FROM run_durations(old_timers); END IF;
          IF new_timers <> no_timers THEN SELECT n, total, buckets INTO new_n, new_total, new_buckets FROM run_durations(new_timers); END IF;
        END IF;
        IF (was_pending AND NOT is_pending) OR requeued THEN
          -- The head may have left: find it again (executions_queue_idx, one probe), in a statement
          -- that starts after the row is locked, so its snapshot is fresh: an enqueue that committed
          -- while this one waited is seen, and one that commits later sets its own head with least().
          -- Locked with FOR UPDATE rather than by a first UPDATE, so the row gets one new version (not
          -- two) and the second write does not re-run the foreign key check of a row this transaction wrote.
          PERFORM 1 FROM account_queues WHERE account_id = account FOR UPDATE;
          head := (SELECT min(queued_at) FROM executions WHERE account_id = account AND status = 'PENDING');
          head_moved := true;
        END IF;
        UPDATE account_queues SET
            pending = pending + is_pending::int - was_pending::int,
            owned = owned + is_owned::int - was_owned::int,
            head_queued_at = CASE WHEN head_moved THEN head
                                  WHEN is_pending AND NOT was_pending THEN least(head_queued_at, NEW.queued_at)
                                  ELSE head_queued_at END,
            ended_success = ended_success + (new_ended IS NOT DISTINCT FROM 'SUCCESS')::int - (old_ended IS NOT DISTINCT FROM 'SUCCESS')::int,
            ended_failure = ended_failure + (new_ended IS NOT DISTINCT FROM 'FAILURE')::int - (old_ended IS NOT DISTINCT FROM 'FAILURE')::int,
            ended_init_failure = ended_init_failure + (new_ended IS NOT DISTINCT FROM 'INIT_FAILURE')::int - (old_ended IS NOT DISTINCT FROM 'INIT_FAILURE')::int,
            ended_stopped = ended_stopped + (new_ended IS NOT DISTINCT FROM 'STOPPED')::int - (old_ended IS NOT DISTINCT FROM 'STOPPED')::int,
            ended_killed = ended_killed + (new_ended IS NOT DISTINCT FROM 'KILLED')::int - (old_ended IS NOT DISTINCT FROM 'KILLED')::int,
            records = records + new_records - old_records,
            duration_count = duration_count + new_n - old_n,
            duration_sum = duration_sum + new_total - old_total,
            duration_buckets = CASE WHEN timers_moved THEN int_arrays_add(int_arrays_add(duration_buckets, new_buckets, 1), old_buckets, -1)
                                    ELSE duration_buckets END
         WHERE account_id = account;
        RETURN NULL;
      END $$`);

    // Inserts and deletes: one write per account and per job for the whole statement.
    await q.query(`CREATE FUNCTION account_queue_follow_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        sign CONSTANT integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
      BEGIN
        -- Rows locked in one order (two bulk statements cannot deadlock), then written by a statement
        -- that starts after the locks, so the heads it finds again see every committed enqueue.
        PERFORM 1 FROM account_queues WHERE account_id IN (SELECT account_id FROM changed_runs) ORDER BY account_id FOR UPDATE;
        WITH runs AS (SELECT account_id, status, queued_at, last_counter, timers, status = ANY (${OWNED}) AS owned FROM changed_runs),
        counts AS (
          SELECT account_id, count(*) FILTER (WHERE status = 'PENDING') AS pending, count(*) FILTER (WHERE owned) AS owned,
                 min(queued_at) FILTER (WHERE status = 'PENDING') AS head,
                 count(*) FILTER (WHERE status = 'SUCCESS') AS success, count(*) FILTER (WHERE status = 'FAILURE') AS failure,
                 count(*) FILTER (WHERE status = 'INIT_FAILURE') AS init_failure, count(*) FILTER (WHERE status = 'STOPPED') AS stopped,
                 count(*) FILTER (WHERE status = 'KILLED') AS killed,
                 coalesce(sum(last_counter) FILTER (WHERE NOT owned), 0) AS records
            FROM runs GROUP BY account_id),
        durations AS (
          SELECT r.account_id, sum(d.n) AS n, sum(d.total) AS total,
                 ARRAY[${BUCKET_SUMS}]::int[] AS buckets
            FROM runs r, run_durations(r.timers) d WHERE NOT r.owned AND r.timers <> '[]' GROUP BY r.account_id)
        UPDATE account_queues q SET
            pending = q.pending + sign * c.pending,
            owned = q.owned + sign * c.owned,
            head_queued_at = CASE WHEN sign > 0 THEN least(q.head_queued_at, c.head)
                                  WHEN c.pending > 0 THEN (SELECT min(e.queued_at) FROM executions e WHERE e.account_id = q.account_id AND e.status = 'PENDING')
                                  ELSE q.head_queued_at END,
            ended_success = q.ended_success + sign * c.success,
            ended_failure = q.ended_failure + sign * c.failure,
            ended_init_failure = q.ended_init_failure + sign * c.init_failure,
            ended_stopped = q.ended_stopped + sign * c.stopped,
            ended_killed = q.ended_killed + sign * c.killed,
            records = q.records + sign * c.records,
            duration_count = q.duration_count + sign * coalesce(d.n, 0),
            duration_sum = q.duration_sum + sign * coalesce(d.total, 0),
            duration_buckets = CASE WHEN d.account_id IS NULL THEN q.duration_buckets ELSE int_arrays_add(q.duration_buckets, d.buckets, sign) END
          FROM counts c LEFT JOIN durations d USING (account_id)
         WHERE q.account_id = c.account_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION job_runs_follow_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        sign CONSTANT integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
      BEGIN
        PERFORM 1 FROM job_runs WHERE job_id IN (SELECT job_id FROM changed_runs) ORDER BY job_id FOR UPDATE;
        WITH by_status AS (
          SELECT job_id, status, count(*)::int AS n, coalesce(sum(last_counter) FILTER (WHERE NOT status = ANY (${OWNED})), 0) AS records
            FROM changed_runs GROUP BY job_id, status),
        c AS (SELECT job_id, sum(n)::int AS runs, sum(records)::bigint AS records, jsonb_object_agg(status, n) AS statuses FROM by_status GROUP BY job_id)
        UPDATE job_runs r SET
            runs = r.runs + sign * c.runs,
            records = r.records + sign * c.records,
            statuses = (SELECT jsonb_object_agg(k, v) FROM (
                          SELECT k, sum(v)::int AS v FROM (
                            SELECT key AS k, value::int AS v FROM jsonb_each_text(r.statuses)
                            UNION ALL SELECT key, sign * value::int FROM jsonb_each_text(c.statuses)) x GROUP BY k) y)
          FROM c
         WHERE r.job_id = c.job_id;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER executions_account_queue ON executions`);
    await q.query(`DROP TRIGGER executions_job_runs ON executions`);
    await q.query(`CREATE TRIGGER executions_account_queue AFTER UPDATE OF status, last_counter, timers, queued_at ON executions
        FOR EACH ROW EXECUTE FUNCTION account_queue_follow()`);
    await q.query(`CREATE TRIGGER executions_job_runs AFTER UPDATE OF status, last_counter ON executions
        FOR EACH ROW EXECUTE FUNCTION job_runs_follow()`);
    // Statement triggers fire by name too: accounts' rows before jobs', as the row triggers.
    for (const [event, table] of [['INSERT', 'NEW'], ['DELETE', 'OLD']]) {
      const suffix = event.toLowerCase();
      await q.query(`CREATE TRIGGER executions_account_queue_${suffix} AFTER ${event} ON executions REFERENCING ${table} TABLE AS changed_runs
          FOR EACH STATEMENT EXECUTE FUNCTION account_queue_follow_rows()`);
      await q.query(`CREATE TRIGGER executions_job_runs_${suffix} AFTER ${event} ON executions REFERENCING ${table} TABLE AS changed_runs
          FOR EACH STATEMENT EXECUTE FUNCTION job_runs_follow_rows()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const suffix of ['insert', 'delete']) {
      await q.query(`DROP TRIGGER executions_account_queue_${suffix} ON executions`);
      await q.query(`DROP TRIGGER executions_job_runs_${suffix} ON executions`);
    }
    await q.query(`DROP FUNCTION account_queue_follow_rows()`);
    await q.query(`DROP FUNCTION job_runs_follow_rows()`);
    await q.query(`DROP TRIGGER executions_account_queue ON executions`);
    await q.query(`DROP TRIGGER executions_job_runs ON executions`);
    await q.query(`CREATE TRIGGER executions_account_queue AFTER INSERT OR DELETE OR UPDATE OF status, last_counter, timers, queued_at ON executions
        FOR EACH ROW EXECUTE FUNCTION account_queue_follow()`);
    await q.query(`CREATE TRIGGER executions_job_runs AFTER INSERT OR DELETE OR UPDATE OF status, last_counter ON executions
        FOR EACH ROW EXECUTE FUNCTION job_runs_follow()`);
    await q.query(ACCOUNT_QUEUE_FOLLOW.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
