import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1732300000000 implements MigrationInterface {
  name = 'Foundation1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        alias text NOT NULL UNIQUE,
        name text NOT NULL,
        parent_id uuid REFERENCES accounts(id),
        path text NOT NULL UNIQUE,
        location_alias text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        roles text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // users_account_idx: listing users of an alias.
    await q.query(`CREATE INDEX users_account_idx ON users (account_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE auth_tokens (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX auth_tokens_expiry_idx ON auth_tokens (expires_at)`);
    // Failed logins, counted per username and per address over a sliding window (rate limit).
    await q.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        address text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_failures_username_idx ON login_failures (username, at)`);
    await q.query(`CREATE INDEX login_failures_address_idx ON login_failures (address, at)`);
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        description text NOT NULL,
        status text NOT NULL DEFAULT 'ACTIVE',
        definition jsonb NOT NULL,
        sealed_secrets text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // jobs_account_created_idx: the paged job list, newest first.
    await q.query(`CREATE INDEX jobs_account_created_idx ON jobs (account_id, created_at DESC, id DESC)`);
    // Service-wide values such as the encryption key check.
    await q.query(`CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settings`);
    await q.query(`DROP TABLE jobs`);
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE auth_tokens`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE accounts`);
  }
}
