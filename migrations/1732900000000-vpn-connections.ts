import { MigrationInterface, QueryRunner } from 'typeorm';

export class VpnConnections1732900000000 implements MigrationInterface {
  name = 'VpnConnections1732900000000';

  async up(q: QueryRunner): Promise<void> {
    // SSH gateways that runs reach other networks through. The key pair is referenced by alias
    // (no foreign key): deleting a key pair is allowed, and a run or test that needs it says so.
    await q.query(`
      CREATE TABLE vpn_connections (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        networks cidr[] NOT NULL,
        gateway_host text NOT NULL,
        gateway_port integer NOT NULL,
        gateway_username text NOT NULL,
        key_pair_alias text NOT NULL,
        status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('up', 'down', 'unknown')),
        status_message text,
        last_checked_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (account_id, name)
      )`);
    // vpn_connections_account_created_idx: the paged list, newest first.
    await q.query(`CREATE INDEX vpn_connections_account_created_idx ON vpn_connections (account_id, created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vpn_connections`);
  }
}
