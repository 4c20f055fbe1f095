import { MigrationInterface, QueryRunner } from 'typeorm';

export class Executions1732400000000 implements MigrationInterface {
  name = 'Executions1732400000000';

  async up(q: QueryRunner): Promise<void> {
    // The execution row is the queue item (ARCHITECTURE.md): claimed with FOR UPDATE SKIP LOCKED,
    // owned under a lease, every worker write fenced by `attempt`.
    await q.query(`
      CREATE TABLE executions (
        id uuid PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        created_by uuid,
        status text NOT NULL,
        attempt integer NOT NULL DEFAULT 0,
        owner text,
        lease_expires_at timestamptz,
        queued_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        timers jsonb NOT NULL DEFAULT '[]',
        request jsonb NOT NULL DEFAULT '{}',
        sealed_secrets text,
        only_hosts text[],
        failed_hosts text[] NOT NULL DEFAULT '{}',
        host_summaries jsonb NOT NULL DEFAULT '{}',
        is_vpn_established boolean NOT NULL DEFAULT false,
        repository_log jsonb,
        exit_code integer,
        reason text,
        stop_grace_seconds integer,
        last_counter integer NOT NULL DEFAULT 0,
        output_lines integer NOT NULL DEFAULT 0
      )`);
    // executions_queue_idx: the head of each account's queue (claimNext).
    await q.query(`CREATE INDEX executions_queue_idx ON executions (account_id, queued_at) WHERE status = 'PENDING'`);
    // executions_owned_idx: active runs per account (fairness, limits) and lapsed leases (reaper).
    await q.query(
      `CREATE INDEX executions_owned_idx ON executions (account_id, lease_expires_at) WHERE status IN ('INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')`,
    );
    // executions_job_idx / executions_account_idx: paged lists, newest first.
    await q.query(`CREATE INDEX executions_job_idx ON executions (job_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_account_idx ON executions (account_id, created_at DESC, id DESC)`);

    // One row per step; (execution_id, counter) is the replay key, counters 1..n without gaps.
    await q.query(`
      CREATE TABLE status_records (
        execution_id uuid NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        counter integer NOT NULL,
        id uuid NOT NULL,
        job_id uuid NOT NULL,
        account_id uuid NOT NULL,
        timestamp timestamptz NOT NULL,
        uuid text,
        parent_uuid text,
        event_type text NOT NULL,
        host text,
        play text,
        task text,
        failed boolean NOT NULL DEFAULT false,
        changed boolean NOT NULL DEFAULT false,
        message text,
        stdout text,
        event_data jsonb,
        PRIMARY KEY (execution_id, counter)
      )`);
    // status_records_job_idx: records of all executions of a job, in order.
    await q.query(`CREATE INDEX status_records_job_idx ON status_records (job_id, execution_id, counter)`);

    // The human transcript, in chunks of whole lines (the stdout endpoint).
    await q.query(`
      CREATE TABLE execution_output (
        execution_id uuid NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        first_line integer NOT NULL,
        line_count integer NOT NULL,
        text text NOT NULL,
        PRIMARY KEY (execution_id, first_line)
      )`);

    // SSH host keys seen per account: accepted on first contact, a changed key is refused.
    await q.query(`
      CREATE TABLE known_hosts (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        line text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, line)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_hosts`);
    await q.query(`DROP TABLE execution_output`);
    await q.query(`DROP TABLE status_records`);
    await q.query(`DROP TABLE executions`);
  }
}
