import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Never synchronize: the schema is exactly what the reviewed migrations produce.
    synchronize: false,
    logging: false,
    // Fail fast when the database is down so requests get 503 instead of hanging.
    extra: { max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  });
}

/** Arbitrary constant shared by every node: the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 7_202_611;

/**
 * Runs pending migrations while holding a session-level advisory lock on a dedicated connection,
 * so several api/worker nodes starting together migrate once and the others wait, then find nothing to do.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}

/** Whether every migration this build knows has been applied (readiness). */
export async function migrationsCurrent(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
