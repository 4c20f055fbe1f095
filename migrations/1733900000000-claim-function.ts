import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim in one round trip (README "How a run works").
 *
 * A claim was six round trips from the worker (the candidates; then, per candidate, a transaction:
 * the account's lock, its active runs, the UPDATE, the claim's record), each waiting its turn for the
 * worker's event loop and for PostgreSQL on a busy machine: 17–31 ms inside a busy worker (bench
 * figure 8). `claim_next()` does the same steps in the database, in one statement's transaction.
 *
 * Claims of one account stay serialised by its advisory lock (its FIFO order and its limit hold across
 * workers). Only the first lock a claim takes waits; once it holds one (that account was at its limit
 * or emptied meanwhile), it only tries the next: waiting for a second lock while holding one could
 * deadlock with another worker that took them in the other order. An account skipped that way is
 * being claimed by that worker right now; `more` is then true, so the caller asks again.
 *
 * `callback_wants()` is the webhook level rule (DEBUG every record, ERROR failures and the result,
 * RESULT the result only), shared by this function and the record path (record-log.ts).
 *
 * Status names are written as they were when this ran (a migration does not import the domain).
 */
export class ClaimFunction1733900000000 implements MigrationInterface {
  name = 'ClaimFunction1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION callback_wants(level text, failed boolean, event_type text) RETURNS boolean
      LANGUAGE sql IMMUTABLE AS $$
        SELECT level = 'DEBUG' OR (level = 'ERROR' AND (failed OR event_type = 'playbook_result'))
            OR (level = 'RESULT' AND event_type = 'playbook_result') $$`);

    // p_record: the claim's status record as record-log.ts's recordRow() makes it (its counter and
    // event_data's attempt and owner are added here); p_start_ms: the new timer's start.
    await q.query(`CREATE FUNCTION claim_next(p_owner text, p_lease_seconds integer, p_account_limit integer, p_now timestamptz,
                                              p_start_ms bigint, p_record jsonb, p_channel text)
      RETURNS TABLE (claimed executions, more boolean) LANGUAGE plpgsql AS $$
      DECLARE
        candidates uuid[];
        first_pending integer;
        account uuid;
        holds_lock boolean := false;
        busy boolean := false;
        taken executions;
      BEGIN
        -- The heads of the queues (account_queues_ready_idx): fewest owned runs first, then the oldest head.
        SELECT array_agg(c.account_id ORDER BY c.owned, c.head_queued_at), (array_agg(c.pending ORDER BY c.owned, c.head_queued_at))[1]
          INTO candidates, first_pending
          FROM (SELECT account_id, pending, owned, head_queued_at FROM account_queues
                 WHERE pending > 0 AND (p_account_limit = 0 OR owned < p_account_limit)
                 ORDER BY owned, head_queued_at LIMIT 20) c;
        FOREACH account IN ARRAY coalesce(candidates, '{}') LOOP
          IF NOT holds_lock THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('runner-account:' || account, 0));
            holds_lock := true;
          ELSIF NOT pg_try_advisory_xact_lock(hashtextextended('runner-account:' || account, 0)) THEN
            busy := true;
            CONTINUE;
          END IF;
          -- Under the lock, a fresh snapshot: every claim of this account before ours has committed.
          IF p_account_limit > 0 AND (SELECT q.owned FROM account_queues q WHERE q.account_id = account) >= p_account_limit THEN
            CONTINUE;
          END IF;
          UPDATE executions e SET status = 'INITIALIZING', attempt = e.attempt + 1, owner = p_owner,
                 lease_expires_at = p_now + make_interval(secs => p_lease_seconds), updated_at = p_now,
                 timers = e.timers || jsonb_build_array(jsonb_build_object('start', p_start_ms, 'end', NULL)),
                 last_counter = e.last_counter + 1
           WHERE e.id = (SELECT x.id FROM executions x WHERE x.account_id = account AND x.status = 'PENDING'
                          ORDER BY x.queued_at, x.id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING e.* INTO taken;
          IF FOUND THEN
            -- The attempt history: who claimed which attempt, in the record stream.
            INSERT INTO status_records
            SELECT * FROM jsonb_populate_record(NULL::status_records, p_record || jsonb_build_object(
                     'execution_id', taken.id, 'counter', taken.last_counter, 'job_id', taken.job_id, 'account_id', taken.account_id,
                     'event_data', p_record->'event_data' || jsonb_build_object('attempt', taken.attempt, 'owner', p_owner)));
            INSERT INTO webhook_deliveries (execution_id, counter, account_id, url, level)
            SELECT taken.id, taken.last_counter, taken.account_id, c->>'url', c->>'level'
              FROM jobs j, jsonb_array_elements(j.definition->'callbacks') c
             WHERE j.id = taken.job_id AND callback_wants(c->>'level', (p_record->>'failed')::boolean, p_record->>'event_type');
            PERFORM pg_notify(p_channel, taken.id || ':' || taken.last_counter);
            RETURN QUERY SELECT taken, cardinality(candidates) > 1 OR first_pending > 1 OR busy;
            RETURN;
          END IF;
        END LOOP;
        RETURN QUERY SELECT NULL::executions, busy;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION claim_next(text, integer, integer, timestamptz, bigint, jsonb, text)`);
    await q.query(`DROP FUNCTION callback_wants(text, boolean, text)`);
  }
}
