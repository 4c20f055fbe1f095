import { MigrationInterface, QueryRunner } from 'typeorm';

export class RunTokens1733300000000 implements MigrationInterface {
  name = 'RunTokens1733300000000';

  async up(q: QueryRunner): Promise<void> {
    // A token minted for one run (README "Runs that call back"): the run's account is its only scope
    // (account_id), and it is revoked in the transaction that ends the run (execution_id). Both set
    // or neither: a login token has its user's own scope and lives its TTL.
    await q.query(`
      ALTER TABLE auth_tokens
        ADD COLUMN execution_id uuid REFERENCES executions(id) ON DELETE CASCADE,
        ADD COLUMN account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
        ADD CONSTRAINT auth_tokens_run_scope_check CHECK ((execution_id IS NULL) = (account_id IS NULL))`);
    // Ending a run revokes its live tokens: found by this index (most tokens are not runs' and are left out).
    await q.query(`CREATE INDEX auth_tokens_execution_idx ON auth_tokens (execution_id) WHERE execution_id IS NOT NULL AND revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Without the columns a run's token would turn into a login token of its user: drop them first.
    await q.query(`DELETE FROM auth_tokens WHERE execution_id IS NOT NULL`);
    await q.query(`DROP INDEX auth_tokens_execution_idx`);
    await q.query(`ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_run_scope_check, DROP COLUMN account_id, DROP COLUMN execution_id`);
  }
}
