import { MigrationInterface, QueryRunner } from 'typeorm';

export class KeypairsServers1732600000000 implements MigrationInterface {
  name = 'KeypairsServers1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE keypairs (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        alias text NOT NULL,
        type text NOT NULL,
        public_key text NOT NULL,
        fingerprint text NOT NULL,
        sealed_private_key text,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, alias)
      )`);
    await q.query(`
      CREATE TABLE servers (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        ip_address text NOT NULL,
        port integer NOT NULL,
        group_name text NOT NULL,
        location_id text,
        os text,
        username text NOT NULL,
        sealed_password text,
        host_vars jsonb NOT NULL DEFAULT '{}',
        host_key text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, name)
      )`);
    // servers_account_created_idx: the paged list, newest first.
    await q.query(`CREATE INDEX servers_account_created_idx ON servers (account_id, created_at DESC, name)`);
    await q.query(`
      CREATE TABLE keypair_deployments (
        account_id uuid NOT NULL,
        keypair_alias text NOT NULL,
        server_name text NOT NULL,
        username text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, keypair_alias, server_name, username),
        FOREIGN KEY (account_id, keypair_alias) REFERENCES keypairs(account_id, alias) ON DELETE CASCADE,
        FOREIGN KEY (account_id, server_name) REFERENCES servers(account_id, name) ON DELETE CASCADE
      )`);
    // Asynchronous work that is not an execution (key deployment): claimed by workers like runs.
    await q.query(`
      CREATE TABLE operations (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind text NOT NULL,
        request jsonb NOT NULL,
        status text NOT NULL,
        message text,
        result jsonb,
        owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // operations_queue_idx: workers claim the oldest notStarted operation.
    await q.query(`CREATE INDEX operations_queue_idx ON operations (created_at) WHERE status = 'notStarted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE operations`);
    await q.query(`DROP TABLE keypair_deployments`);
    await q.query(`DROP TABLE servers`);
    await q.query(`DROP TABLE keypairs`);
  }
}
