import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { createDataSource, migrate, migrationsCurrent } from '@app/database';

/** Migrations on a truly empty database (not the template): concurrent start, a real down(), and up again. */
describe('migrations', () => {
  let name: string;
  let url: string;

  beforeAll(async () => {
    name = `m_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: process.env.RUNNER_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const parsed = new URL(process.env.RUNNER_TEST_ADMIN_URL!);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  });
  afterAll(async () => {
    const admin = new Client({ connectionString: process.env.RUNNER_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  async function tables(client: Client): Promise<string[]> {
    const rows = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    return rows.rows.map((r) => r.tablename);
  }

  it('migrates once when several nodes start together, undoes cleanly, and migrates again', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => createDataSource(url, 2).initialize()));
    try {
      expect(await migrationsCurrent(nodes[0])).toBe(false);
      const applied = await Promise.all(nodes.map((node) => migrate(node)));
      // Exactly one node applied each migration; the others waited on the advisory lock and found nothing to do.
      expect(applied.flat().sort()).toEqual(nodes[0].migrations.map((m) => m.name).sort());
      expect(await migrationsCurrent(nodes[1])).toBe(true);

      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        expect(await tables(client)).toEqual(
          ['account_queues', 'accounts', 'auth_tokens', 'execution_output', 'executions', 'job_list_versions', 'job_runs', 'jobs', 'keypair_deployments', 'keypairs', 'known_hosts', 'login_failures', 'migrations', 'operations', 'runners', 'schedule_fires', 'schedules', 'servers', 'service_accounts', 'settings', 'status_records', 'users', 'vpn_connections', 'webhook_deliveries'],
        );
        for (let i = 0; i < nodes[0].migrations.length; i++) await nodes[0].undoLastMigration();
        expect(await tables(client)).toEqual(['migrations']);
        expect(await migrationsCurrent(nodes[0])).toBe(false);
        await migrate(nodes[2]);
        expect(await migrationsCurrent(nodes[0])).toBe(true);
        expect((await tables(client)).length).toBe(24);

        // Every change to an account's jobs moves its job list version, and an account can still be
        // deleted with its jobs (the trigger writes for the account being deleted).
        const account = '00000000-0000-4000-8000-000000000001';
        const job = '00000000-0000-4000-8000-000000000002';
        const version = async (): Promise<string | undefined> =>
          (await client.query(`SELECT version FROM job_list_versions WHERE account_id = $1`, [account])).rows[0]?.version;
        await client.query(`INSERT INTO accounts (id, alias, name, path, location_alias) VALUES ($1, 'MIGR', 'm', '/m/', 'X')`, [account]);
        await client.query(`INSERT INTO jobs (id, account_id, description, definition, created_at, updated_at) VALUES ($1, $2, '', '{}', now(), now())`, [job, account]);
        expect(await version()).toBe('1');
        await client.query(`UPDATE jobs SET description = 'changed' WHERE id = $1`, [job]);
        expect(await version()).toBe('2');
        await client.query(`DELETE FROM accounts WHERE id = $1`, [account]);
        expect((await client.query(`SELECT count(*)::int AS n FROM jobs WHERE id = $1`, [job])).rows[0].n).toBe(0);
        expect(await version()).toBe('3');
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(nodes.map((node) => node.destroy()));
    }
  });
});
