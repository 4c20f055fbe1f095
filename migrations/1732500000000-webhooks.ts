import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1732500000000 implements MigrationInterface {
  name = 'Webhooks1732500000000';

  async up(q: QueryRunner): Promise<void> {
    // The HMAC key webhooks of an account are signed with, sealed by the SecretBox.
    await q.query(`ALTER TABLE accounts ADD COLUMN sealed_webhook_secret text`);
    // One row per record per callback URL, written with the record: a restart loses none.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        execution_id uuid NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        counter integer NOT NULL,
        account_id uuid NOT NULL,
        url text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // webhook_deliveries_pending_idx: the head of each URL's queue (order is kept per URL).
    await q.query(`CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (url, id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`ALTER TABLE accounts DROP COLUMN sealed_webhook_secret`);
  }
}
