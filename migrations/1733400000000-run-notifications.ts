import { MigrationInterface, QueryRunner } from 'typeorm';

export class RunNotifications1733400000000 implements MigrationInterface {
  name = 'RunNotifications1733400000000';

  async up(q: QueryRunner): Promise<void> {
    // Run notifications (e-mail, chat) share the webhook delivery queue: its claim (fair between
    // accounts, capped per host), leases, retries and deadline. `kind` says how a row is sent;
    // `settings_of` says whose settings hold a chat row's sealed URL ('job' or 'account'): the row
    // keeps only its origin in `url`, since the whole URL is a credential.
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN kind text NOT NULL DEFAULT 'webhook', ADD COLUMN settings_of text`);
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_kind_check CHECK (kind IN ('webhook', 'email', 'chat'))`);
    // An account's default for jobs without their own `notify`; its chat URL sealed by the SecretBox.
    await q.query(`ALTER TABLE accounts ADD COLUMN notify jsonb, ADD COLUMN sealed_notify_chat_url text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts DROP COLUMN sealed_notify_chat_url, DROP COLUMN notify`);
    await q.query(`DELETE FROM webhook_deliveries WHERE kind <> 'webhook'`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_kind_check, DROP COLUMN settings_of, DROP COLUMN kind`);
  }
}
