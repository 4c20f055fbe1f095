import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims and /metrics that cost the same at any depth (README "Depth").
 *
 * `account_queues` holds one row per account: its queue (runs waiting, runs a worker owns, when its
 * oldest waiting run was queued) and the figures of its runs that no worker owns (ended runs by
 * status; the durations and status records of waiting and ended runs). A trigger on `executions`
 * keeps it exact in the same statement that enqueues, claims, ends, requeues, appends to or deletes a
 * run, so every path (API, worker, reaper, retention, cascades) is covered without knowing of it.
 * The claim's candidates are then the first rows of one small partial index instead of a sort of
 * every waiting run, and /metrics sums one row per account plus the few owned runs.
 *
 * The status lists and duration buckets are written here as they were when this ran (a migration is
 * a fixed point in history, so it does not import the domain's lists); libs/domain's
 * RUN_DURATION_BUCKETS_SECONDS names this migration.
 */
/** The trigger function as this migration made it (1734000000000 replaces it; its down() puts this back). */
export const ACCOUNT_QUEUE_FOLLOW = `CREATE FUNCTION account_queue_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        owned_statuses CONSTANT text[] := ARRAY['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING'];
        old_status text := CASE WHEN TG_OP <> 'INSERT' THEN OLD.status END;
        new_status text := CASE WHEN TG_OP <> 'DELETE' THEN NEW.status END;
        was_pending boolean := old_status IS NOT DISTINCT FROM 'PENDING';
        is_pending boolean := new_status IS NOT DISTINCT FROM 'PENDING';
        was_owned boolean := coalesce(old_status = ANY (owned_statuses), false);
        is_owned boolean := coalesce(new_status = ANY (owned_statuses), false);
        -- Waiting and ended runs are counted here (a restarted or requeued run waits with closed
        -- timers and its records); an owned run's grow with every batch, so /metrics reads those few live.
        was_kept boolean := old_status IS NOT NULL AND NOT was_owned;
        is_kept boolean := new_status IS NOT NULL AND NOT is_owned;
        old_records bigint := CASE WHEN was_kept THEN OLD.last_counter ELSE 0 END;
        new_records bigint := CASE WHEN is_kept THEN NEW.last_counter ELSE 0 END;
        account uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END;
        -- A waiting run whose place in the queue moved (an operator's or a test's UPDATE of queued_at).
        requeued boolean := was_pending AND is_pending AND OLD.queued_at IS DISTINCT FROM NEW.queued_at;
        old_d record;
        new_d record;
      BEGIN
        -- Most writes (a record batch of a running run, RUNNING after INITIALIZING) move nothing here.
        IF old_status IS NOT DISTINCT FROM new_status AND old_records = new_records AND NOT requeued
           AND NOT (was_kept AND OLD.timers IS DISTINCT FROM NEW.timers) THEN
          RETURN NULL;
        END IF;
        IF was_kept THEN old_d := run_durations(OLD.timers); ELSE old_d := run_durations('[]'); END IF;
        IF is_kept THEN new_d := run_durations(NEW.timers); ELSE new_d := run_durations('[]'); END IF;
        UPDATE account_queues SET
            pending = pending + is_pending::int - was_pending::int,
            owned = owned + is_owned::int - was_owned::int,
            head_queued_at = CASE WHEN is_pending AND NOT was_pending THEN least(head_queued_at, NEW.queued_at) ELSE head_queued_at END,
            ended_success = ended_success + (new_status IS NOT DISTINCT FROM 'SUCCESS')::int - (old_status IS NOT DISTINCT FROM 'SUCCESS')::int,
            ended_failure = ended_failure + (new_status IS NOT DISTINCT FROM 'FAILURE')::int - (old_status IS NOT DISTINCT FROM 'FAILURE')::int,
            ended_init_failure = ended_init_failure + (new_status IS NOT DISTINCT FROM 'INIT_FAILURE')::int - (old_status IS NOT DISTINCT FROM 'INIT_FAILURE')::int,
            ended_stopped = ended_stopped + (new_status IS NOT DISTINCT FROM 'STOPPED')::int - (old_status IS NOT DISTINCT FROM 'STOPPED')::int,
            ended_killed = ended_killed + (new_status IS NOT DISTINCT FROM 'KILLED')::int - (old_status IS NOT DISTINCT FROM 'KILLED')::int,
            records = records + new_records - old_records,
            duration_count = duration_count + new_d.n - old_d.n,
            duration_sum = duration_sum + new_d.total - old_d.total,
            duration_buckets = int_arrays_add(int_arrays_add(duration_buckets, new_d.buckets, 1), old_d.buckets, -1)
         WHERE account_id = account;
        IF (was_pending AND NOT is_pending) OR requeued THEN
          -- The head may have left: find it again (executions_queue_idx, one probe). A separate statement
          -- after the row lock above, so it reads a fresh snapshot: an enqueue that committed while
          -- this one waited is seen, and one that commits later sets its own head with least().
          UPDATE account_queues SET head_queued_at =
                 (SELECT min(queued_at) FROM executions WHERE account_id = account AND status = 'PENDING')
           WHERE account_id = account;
        END IF;
        RETURN NULL;
      END $$`;

export class AccountQueues1733700000000 implements MigrationInterface {
  name = 'AccountQueues1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE account_queues (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        pending integer NOT NULL DEFAULT 0,
        owned integer NOT NULL DEFAULT 0,
        head_queued_at timestamptz,
        ended_success integer NOT NULL DEFAULT 0,
        ended_failure integer NOT NULL DEFAULT 0,
        ended_init_failure integer NOT NULL DEFAULT 0,
        ended_stopped integer NOT NULL DEFAULT 0,
        ended_killed integer NOT NULL DEFAULT 0,
        records bigint NOT NULL DEFAULT 0,
        duration_count integer NOT NULL DEFAULT 0,
        duration_sum double precision NOT NULL DEFAULT 0,
        duration_buckets integer[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0}'
      )`);
    // account_queues_ready_idx: the claim's candidates, in the order it tries them.
    await q.query(`CREATE INDEX account_queues_ready_idx ON account_queues (owned, head_queued_at) WHERE pending > 0`);

    // Every account has its row from the start, so the executions trigger only ever updates (an
    // insert could not work while an account is being deleted with its runs).
    await q.query(`CREATE FUNCTION account_queue_create() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO account_queues (account_id) VALUES (NEW.id); RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER accounts_queue AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION account_queue_create()`);

    // Closed timers of a run (each attempt counts), cumulative per bucket of seconds.
    await q.query(`CREATE FUNCTION run_durations(timers jsonb, OUT n integer, OUT total double precision, OUT buckets integer[])
      LANGUAGE sql IMMUTABLE AS $$
        SELECT count(*)::int, coalesce(sum(s), 0)::float8,
               ARRAY[count(*) FILTER (WHERE s <= 1), count(*) FILTER (WHERE s <= 5), count(*) FILTER (WHERE s <= 15),
                     count(*) FILTER (WHERE s <= 60), count(*) FILTER (WHERE s <= 300), count(*) FILTER (WHERE s <= 900),
                     count(*) FILTER (WHERE s <= 3600), count(*) FILTER (WHERE s <= 10800)]::int[]
          FROM (SELECT ((t->>'end')::bigint - (t->>'start')::bigint) / 1000.0 AS s
                  FROM jsonb_array_elements(timers) t WHERE t->>'end' IS NOT NULL) d $$`);
    await q.query(`CREATE FUNCTION int_arrays_add(a integer[], b integer[], sign integer) RETURNS integer[]
      LANGUAGE sql IMMUTABLE AS $$ SELECT array_agg(x + sign * y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY u(x, y, i) $$`);

    await q.query(ACCOUNT_QUEUE_FOLLOW);
    await q.query(`CREATE TRIGGER executions_account_queue AFTER INSERT OR DELETE OR UPDATE OF status, last_counter, timers, queued_at ON executions
        FOR EACH ROW EXECUTE FUNCTION account_queue_follow()`);

    await q.query(`INSERT INTO account_queues (account_id) SELECT id FROM accounts`);
    await q.query(`UPDATE account_queues q SET
        pending = f.pending, owned = f.owned, head_queued_at = f.head, ended_success = f.success, ended_failure = f.failure,
        ended_init_failure = f.init_failure, ended_stopped = f.stopped, ended_killed = f.killed, records = f.records,
        duration_count = f.d_count, duration_sum = f.d_sum, duration_buckets = f.d_buckets
      FROM (SELECT account_id,
                   count(*) FILTER (WHERE status = 'PENDING') AS pending,
                   count(*) FILTER (WHERE owned) AS owned,
                   min(queued_at) FILTER (WHERE status = 'PENDING') AS head,
                   count(*) FILTER (WHERE status = 'SUCCESS') AS success, count(*) FILTER (WHERE status = 'FAILURE') AS failure,
                   count(*) FILTER (WHERE status = 'INIT_FAILURE') AS init_failure, count(*) FILTER (WHERE status = 'STOPPED') AS stopped,
                   count(*) FILTER (WHERE status = 'KILLED') AS killed,
                   coalesce(sum(last_counter) FILTER (WHERE NOT owned), 0) AS records,
                   coalesce(sum(d.n) FILTER (WHERE NOT owned), 0) AS d_count, coalesce(sum(d.total) FILTER (WHERE NOT owned), 0) AS d_sum,
                   ARRAY[${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `coalesce(sum(d.buckets[${i}]) FILTER (WHERE NOT owned), 0)`).join(', ')}]::int[] AS d_buckets
              FROM (SELECT *, status IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING') AS owned FROM executions) e
                   CROSS JOIN LATERAL run_durations(e.timers) d
             GROUP BY account_id) f
      WHERE q.account_id = f.account_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER executions_account_queue ON executions`);
    await q.query(`DROP TRIGGER accounts_queue ON accounts`);
    await q.query(`DROP FUNCTION account_queue_follow()`);
    await q.query(`DROP FUNCTION account_queue_create()`);
    await q.query(`DROP FUNCTION int_arrays_add(integer[], integer[], integer)`);
    await q.query(`DROP FUNCTION run_durations(jsonb)`);
    await q.query(`DROP TABLE account_queues`);
  }
}
