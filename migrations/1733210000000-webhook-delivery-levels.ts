import { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookDeliveryLevels1733210000000 implements MigrationInterface {
  name = 'WebhookDeliveryLevels1733210000000';

  async up(q: QueryRunner): Promise<void> {
    // Status records show the deliveries made for them (`notifications`: URL, level, state). The
    // level is the callback's at the time the record was stored (the job may change later); rows
    // from before this column have none (null).
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN level text`);
    // The status API reads a page of records' deliveries by (execution, counter).
    await q.query(`CREATE INDEX webhook_deliveries_record_idx ON webhook_deliveries (execution_id, counter)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_record_idx`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN level`);
  }
}
