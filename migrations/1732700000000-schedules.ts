import { MigrationInterface, QueryRunner } from 'typeorm';

export class Schedules1732700000000 implements MigrationInterface {
  name = 'Schedules1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_accounts (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        alias text NOT NULL,
        username text NOT NULL,
        sealed_password text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, alias)
      )`);
    await q.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        description text NOT NULL,
        service_account_alias text NOT NULL,
        trigger_type text NOT NULL,
        expression text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        overlap text NOT NULL DEFAULT 'allow',
        catch_up text NOT NULL DEFAULT 'one',
        next_run_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // schedules_due_idx: the scheduler's scan for due schedules.
    await q.query(`CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE enabled AND next_run_at IS NOT NULL`);
    await q.query(`CREATE INDEX schedules_job_idx ON schedules (job_id, created_at DESC)`);
    // One row per fire time: the primary key is what makes a fire start exactly one execution,
    // however many workers see it due at the same moment.
    await q.query(`
      CREATE TABLE schedule_fires (
        schedule_id uuid NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        fire_time timestamptz NOT NULL,
        execution_id uuid,
        outcome text NOT NULL,
        PRIMARY KEY (schedule_id, fire_time)
      )`);
    await q.query(`ALTER TABLE executions ADD COLUMN schedule_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions DROP COLUMN schedule_id`);
    await q.query(`DROP TABLE schedule_fires`);
    await q.query(`DROP TABLE schedules`);
    await q.query(`DROP TABLE service_accounts`);
  }
}
