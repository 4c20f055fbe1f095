import { MigrationInterface, QueryRunner } from 'typeorm';

export class Retention1733600000000 implements MigrationInterface {
  name = 'Retention1733600000000';

  async up(q: QueryRunner): Promise<void> {
    // Days an account keeps its finished runs (README "Retention"): null = its parent's setting, up
    // to the service's RUNNER_RETENTION_DAYS; 0 = forever.
    await q.query(`ALTER TABLE accounts ADD COLUMN retention_days integer`);
    await q.query(`ALTER TABLE accounts ADD CONSTRAINT accounts_retention_days_check CHECK (retention_days BETWEEN 0 AND 36500)`);
    // executions_retention_idx: the retention batch's probe, per account, for finished runs whose
    // last change (a finished row's updated_at is its end) is past the account's retention. Partial,
    // so queued and running rows, which change all the time, never enter it.
    await q.query(
      `CREATE INDEX executions_retention_idx ON executions (account_id, updated_at) WHERE status IN ('SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED')`,
    );
    // auth_tokens_run_idx: deleting an execution cascades to its run tokens, revoked ones included;
    // auth_tokens_execution_idx holds live ones only, so without this every deleted run scanned the table.
    await q.query(`CREATE INDEX auth_tokens_run_idx ON auth_tokens (execution_id) WHERE execution_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth_tokens_run_idx`);
    await q.query(`DROP INDEX executions_retention_idx`);
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_retention_days_check, DROP COLUMN retention_days`);
  }
}
