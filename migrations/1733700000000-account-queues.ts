import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims that cost the same at any queue depth (README "Depth"). `account_queues` holds, per account,
 * how many runs wait (PENDING), how many a worker owns, and when its oldest waiting run was queued.
 * A trigger on `executions` keeps it exact in the same statement that enqueues, claims, ends,
 * requeues or deletes a run, so every path (API, worker, reaper, retention, cascades) is covered
 * without any of them knowing. The claim's candidates are then the first rows of one small partial
 * index (fewest owned runs, then the oldest head), instead of a sort of every pending run.
 *
 * The owned statuses are written here as they were in 1732400000000 (executions_owned_idx); a
 * migration is a fixed point in history, so it does not import the domain's list.
 */
export class AccountQueues1733700000000 implements MigrationInterface {
  name = 'AccountQueues1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE account_queues (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        pending integer NOT NULL DEFAULT 0,
        owned integer NOT NULL DEFAULT 0,
        head_queued_at timestamptz
      )`);
    // account_queues_ready_idx: the claim's candidates, in the order it tries them.
    await q.query(`CREATE INDEX account_queues_ready_idx ON account_queues (owned, head_queued_at) WHERE pending > 0`);
    await q.query(`CREATE FUNCTION account_queue_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        owned_statuses CONSTANT text[] := ARRAY['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING'];
        was_pending boolean := TG_OP <> 'INSERT' AND OLD.status = 'PENDING';
        is_pending boolean := TG_OP <> 'DELETE' AND NEW.status = 'PENDING';
        was_owned boolean := TG_OP <> 'INSERT' AND OLD.status = ANY (owned_statuses);
        is_owned boolean := TG_OP <> 'DELETE' AND NEW.status = ANY (owned_statuses);
        account uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END;
      BEGIN
        -- Most changes (RUNNING after INITIALIZING, a finished run's records) move nothing here.
        IF was_pending = is_pending AND was_owned = is_owned THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN
          -- Never an insert: the account itself may be going in the same statement (a cascade).
          UPDATE account_queues SET pending = pending - was_pending::int, owned = owned - was_owned::int
           WHERE account_id = account;
        ELSE
          INSERT INTO account_queues AS q (account_id, pending, owned, head_queued_at)
            VALUES (account, is_pending::int - was_pending::int, is_owned::int - was_owned::int,
                    CASE WHEN is_pending THEN NEW.queued_at END)
            ON CONFLICT (account_id) DO UPDATE
              SET pending = q.pending + EXCLUDED.pending, owned = q.owned + EXCLUDED.owned,
                  head_queued_at = least(q.head_queued_at, EXCLUDED.head_queued_at);
        END IF;
        IF was_pending AND NOT is_pending THEN
          -- The head left: find the next one (executions_queue_idx, one probe). A separate statement
          -- after the row lock above, so it reads a fresh snapshot: an enqueue that committed while
          -- this one waited is seen, and one that commits later sets its own head with least().
          UPDATE account_queues SET head_queued_at =
                 (SELECT min(queued_at) FROM executions WHERE account_id = account AND status = 'PENDING')
           WHERE account_id = account;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER executions_account_queue AFTER INSERT OR DELETE OR UPDATE OF status ON executions
        FOR EACH ROW EXECUTE FUNCTION account_queue_follow()`);
    await q.query(`INSERT INTO account_queues (account_id, pending, owned, head_queued_at)
        SELECT account_id, count(*) FILTER (WHERE status = 'PENDING'),
               count(*) FILTER (WHERE status IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')),
               min(queued_at) FILTER (WHERE status = 'PENDING')
          FROM executions WHERE status IN ('PENDING', 'INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')
         GROUP BY account_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER executions_account_queue ON executions`);
    await q.query(`DROP FUNCTION account_queue_follow()`);
    await q.query(`DROP TABLE account_queues`);
  }
}
