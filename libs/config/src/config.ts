import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The only reader of process.env. Every variable is validated once at start-up; an invalid value
 * throws a ConfigError naming the variable, so a node fails at boot rather than at 3 a.m.
 */
export interface RunnerConfig {
  port: number;
  host: string;
  /** External PostgreSQL; undefined means the launcher starts an embedded one. Secret (may hold a password). */
  databaseUrl?: string;
  dataDir: string;
  bootstrapAlias: string;
  bootstrapUsername: string;
  /** Secret. Undefined means generate one and print it once. */
  bootstrapPassword?: string;
  /** Secret. The 32-byte key (given as hex or base64); undefined means a key file in dataDir. */
  encryptionKey?: Buffer;
  workerSlots: number;
  tokenTtlHours: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** JSON lines, or readable lines for a person at a terminal; `auto` picks by whether stdout is one. */
  logFormat: 'auto' | 'json' | 'pretty';
  embeddedPgPort: number;
  bodyLimitBytes: number;
  /** Seconds a worker's claim on a run lasts without a heartbeat. */
  leaseSeconds: number;
  /** How long an api node trusts a looked-up token before asking the database again (0 = always ask). */
  tokenCacheSeconds: number;
  /** Set by the launcher for its children: they stop, as on SIGTERM, when it is gone (0 = not under it). */
  launcherPid: number;
  /** Express's `trust proxy`: which peers' X-Forwarded-For is believed (the client address for login limits). */
  trustProxy: string;
  /** On SIGTERM an api node answers /readyz 503 this long (for its load balancer) before it stops listening. */
  apiDrainSeconds: number;
  /** How long a worker rides out an unreachable database (runs go on, records wait in memory). */
  dbOutageSeconds: number;
  /** Records a run may hold in memory before Ansible is paused (back-pressure through its pipes). */
  recordBuffer: number;
  /**
   * Tenant limits (README "Limits"): defaults no normal job meets, that keep one account from
   * exhausting the workers. Concurrent runs per account across all workers (0 = no limit).
   */
  accountMaxRuns: number;
  /** Runs an account may have queued (PENDING) at once; a start beyond it gets 429 (0 = no limit). */
  accountMaxQueued: number;
  /** The most `forks` a job may ask for (a stored job above a lowered limit runs with the limit). */
  maxForks: number;
  /** The most `hosts` a job may list. */
  maxJobHosts: number;
  /** Longest transcript line stored, in KiB (longer ones are cut, saying so); Ansible events may be 8 times that. */
  maxLineKb: number;
  /** The largest `artifacts` (set_stats data) an execution keeps, in KiB; larger ones are stored as a marker. */
  maxArtifactsKb: number;
  /** How often an idle worker looks for work when no notification arrives. */
  pollIntervalMs: number;
  /** Retention (README "Retention"): days finished runs are kept where an account sets none (0 = forever), and how often a worker deletes. */
  retention: { days: number; intervalMs: number };
  /** Seconds a worker told to stop lets its runs finish before it stops them. */
  drainSeconds: number;
  /** Let callback URLs reach loopback, private and link-local addresses (off: SSRF guard). */
  webhookAllowPrivate: boolean;
  /** A hard deadline on one delivery attempt, connect to last response byte (a slow drip cannot stretch it). */
  webhookTimeoutMs: number;
  /** Deliveries in flight to one host (host and port) at once, so one slow host holds few slots. */
  webhookHostConcurrency: number;
  /**
   * Browser origins (`https://host[:port]`) socket.io takes handshakes from, besides the API's own;
   * empty = no cross-origin page. Clients that send no Origin (programs, the CLI) are not affected.
   */
  allowedOrigins: string[];
  /**
   * Let the service's own SSH connections (VPN `test`, gateway checks before runs, key deployment)
   * reach loopback, link-local, metadata and this machine's own addresses (off: refused, see
   * libs/keys/src/probe-target.ts). For tests whose sshd listens on loopback, and single-host installs.
   */
  probeAllowInternal: boolean;
  /**
   * RUNNER_TLS_CERT / RUNNER_TLS_KEY: PEM files; when set, the api serves HTTPS (and socket.io over
   * it) itself. Undefined: plain HTTP (behind a TLS-terminating proxy, or on loopback).
   */
  tls?: { certFile: string; keyFile: string };
  /** The ansible-playbook a worker runs: a command on PATH or an absolute path. */
  ansiblePlaybook: string;
  /**
   * The API's base URL as this worker's runs reach it (RUNNER_RUN_API_URL, no trailing slash): given
   * to every run as RUNNER_API_URL with its token (README "Runs that call back").
   */
  runApiUrl: string;
  /**
   * The Galaxy server the requirements of a repository are installed from when they name a role or
   * collection by name (RUNNER_GALAXY_URL; ansible-galaxy's own default, galaxy.ansible.com, when unset).
   */
  galaxyUrl?: string;
  /**
   * The service's mail relay for run notifications (README "Notifications"): RUNNER_SMTP_URL
   * (`smtp://[user:pass@]host[:port]`, STARTTLS whenever offered, or `smtps://` for TLS from the
   * start; secret: may hold a password) and RUNNER_SMTP_FROM, the sender address. Undefined: jobs
   * may not ask for e-mail.
   */
  smtp?: { url: string; from: string };
  /**
   * The console's address as people open it (RUNNER_PUBLIC_URL, no trailing slash): notifications
   * link a run's page under it.
   */
  publicUrl: string;
  /** How runs are confined (README "Run sandbox"); `enabled: false` only for a trusted single-team install. */
  sandbox: {
    enabled: boolean;
    /** A root worker runs an account's runs as uid (and gid) uidBase + the account's sandbox id. */
    uidBase: number;
    memoryMb: number;
    pids: number;
    cpus: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function text(env: Env, name: string, fallback: string, pattern?: RegExp, rule?: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (pattern && !pattern.test(raw)) throw new ConfigError(name, rule ?? `has an invalid value "${raw}"`);
  return raw;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A comma-separated list of web origins, each as a browser sends it: scheme, host, optional port, nothing else. */
function origins(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      let url: URL | undefined;
      try {
        url = new URL(item);
      } catch {
        url = undefined;
      }
      // `origin` drops a path, query or user; requiring the item to equal it refuses those instead.
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item.toLowerCase().replace(/\/$/, '')) {
        throw new ConfigError(name, `must be comma-separated origins like https://console.example.com (scheme, host, optional port), got "${item}"`);
      }
      return url.origin;
    });
}

export const ALIAS_PATTERN = /^[A-Z0-9]{2,16}$/;
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export function loadConfig(env: Env = process.env): RunnerConfig {
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const encryptionKey = optional(env, 'RUNNER_ENCRYPTION_KEY');
  if (encryptionKey !== undefined && !isKey(encryptionKey)) {
    throw new ConfigError('RUNNER_ENCRYPTION_KEY', 'must be 32 bytes as 64 hex digits or 44 base64 characters');
  }
  const bootstrapPassword = optional(env, 'RUNNER_BOOTSTRAP_PASSWORD');
  if (bootstrapPassword !== undefined && bootstrapPassword.length < 8) {
    throw new ConfigError('RUNNER_BOOTSTRAP_PASSWORD', 'must be at least 8 characters');
  }
  const tlsCert = optional(env, 'RUNNER_TLS_CERT');
  const tlsKey = optional(env, 'RUNNER_TLS_KEY');
  // Half a TLS setup would silently serve plain HTTP: refuse it.
  if (tlsCert && !tlsKey) throw new ConfigError('RUNNER_TLS_KEY', 'must be set with RUNNER_TLS_CERT (the PEM file of its private key)');
  if (tlsKey && !tlsCert) throw new ConfigError('RUNNER_TLS_CERT', 'must be set with RUNNER_TLS_KEY (the PEM file of the certificate chain)');
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const smtp = smtpSettings(env);
  return {
    port,
    host: text(env, 'RUNNER_LISTEN_HOST', '0.0.0.0'),
    databaseUrl,
    dataDir: path.resolve(text(env, 'RUNNER_DATA_DIR', './data')),
    bootstrapAlias: text(env, 'RUNNER_BOOTSTRAP_ALIAS', 'DEMO', ALIAS_PATTERN, 'must be 2-16 upper-case letters or digits'),
    bootstrapUsername: text(env, 'RUNNER_BOOTSTRAP_USERNAME', 'admin', USERNAME_PATTERN, 'must be 1-64 letters, digits or . _ @ -'),
    bootstrapPassword,
    encryptionKey: encryptionKey === undefined ? undefined : decodeKey(encryptionKey),
    workerSlots: integer(env, 'RUNNER_WORKER_SLOTS', Math.max(2, os.availableParallelism() * 2), 1, 1024),
    tokenTtlHours: integer(env, 'RUNNER_TOKEN_TTL_HOURS', 14 * 24, 1, 24 * 365),
    loginMaxFailures: integer(env, 'RUNNER_LOGIN_MAX_FAILURES', 10, 1, 100000),
    loginWindowSeconds: integer(env, 'RUNNER_LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    logLevel: text(env, 'LOG_LEVEL', 'info', /^(debug|info|warn|error)$/, 'must be debug, info, warn or error') as RunnerConfig['logLevel'],
    logFormat: text(env, 'RUNNER_LOG_FORMAT', 'auto', /^(auto|json|pretty)$/, 'must be auto, json or pretty') as RunnerConfig['logFormat'],
    embeddedPgPort: integer(env, 'RUNNER_EMBEDDED_PG_PORT', 54329, 1, 65535),
    bodyLimitBytes: 1024 * 1024,
    leaseSeconds: integer(env, 'RUNNER_LEASE_SECONDS', 30, 3, 3600),
    tokenCacheSeconds: integer(env, 'RUNNER_TOKEN_CACHE_SECONDS', 5, 0, 3600),
    launcherPid: integer(env, 'RUNNER_LAUNCHER_PID', 0, 0, 4_194_304),
    trustProxy: text(env, 'RUNNER_TRUST_PROXY', 'loopback', /^[\w.:/, ]+$/, 'must be a list of addresses, subnets or loopback/linklocal/uniquelocal'),
    apiDrainSeconds: integer(env, 'RUNNER_API_DRAIN_SECONDS', 5, 0, 3600),
    dbOutageSeconds: integer(env, 'RUNNER_DB_OUTAGE_SECONDS', 300, 0, 86400),
    recordBuffer: integer(env, 'RUNNER_RECORD_BUFFER', 20000, 100, 10_000_000),
    accountMaxRuns: integer(env, 'RUNNER_ACCOUNT_MAX_RUNS', 50, 0, 100000),
    accountMaxQueued: integer(env, 'RUNNER_ACCOUNT_MAX_QUEUED', 10000, 0, 10_000_000),
    maxForks: integer(env, 'RUNNER_MAX_FORKS', 200, 1, 1000),
    maxJobHosts: integer(env, 'RUNNER_MAX_JOB_HOSTS', 5000, 1, 10000),
    maxLineKb: integer(env, 'RUNNER_MAX_LINE_KB', 1024, 1, 65536),
    maxArtifactsKb: integer(env, 'RUNNER_MAX_ARTIFACTS_KB', 64, 1, 1024),
    pollIntervalMs: integer(env, 'RUNNER_POLL_INTERVAL_MS', 2000, 50, 600000),
    retention: { days: integer(env, 'RUNNER_RETENTION_DAYS', 90, 0, 36500), intervalMs: integer(env, 'RUNNER_RETENTION_INTERVAL_MS', 300_000, 100, 86_400_000) },
    drainSeconds: integer(env, 'RUNNER_DRAIN_SECONDS', 60, 0, 86400),
    webhookAllowPrivate: text(env, 'RUNNER_WEBHOOK_ALLOW_PRIVATE', 'false', /^(true|false)$/, 'must be true or false') === 'true',
    webhookTimeoutMs: integer(env, 'RUNNER_WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
    webhookHostConcurrency: integer(env, 'RUNNER_WEBHOOK_HOST_CONCURRENCY', 2, 1, 50),
    allowedOrigins: origins(env, 'RUNNER_ALLOWED_ORIGINS'),
    probeAllowInternal: text(env, 'RUNNER_PROBE_ALLOW_INTERNAL', 'false', /^(true|false)$/, 'must be true or false') === 'true',
    tls: tlsCert && tlsKey ? { certFile: path.resolve(tlsCert), keyFile: path.resolve(tlsKey) } : undefined,
    ansiblePlaybook: text(env, 'RUNNER_ANSIBLE_PLAYBOOK', 'ansible-playbook', /^[\w./+-]+$/, 'must be a command name or an absolute path'),
    // Runs share the host's network: on a machine with an api too, loopback reaches it.
    runApiUrl: baseUrl(env, 'RUNNER_RUN_API_URL', `${tlsCert ? 'https' : 'http'}://127.0.0.1:${port || 8080}`),
    galaxyUrl: optional(env, 'RUNNER_GALAXY_URL') === undefined ? undefined : baseUrl(env, 'RUNNER_GALAXY_URL', ''),
    smtp,
    publicUrl: baseUrl(env, 'RUNNER_PUBLIC_URL', `${tlsCert ? 'https' : 'http'}://localhost:${port || 8080}`),
    sandbox: {
      enabled: text(env, 'RUNNER_SANDBOX', 'on', /^(on|off)$/, 'must be on or off') === 'on',
      uidBase: integer(env, 'RUNNER_SANDBOX_UID_BASE', 2_000_000_000, 1000, 4_000_000_000),
      // Defaults no normal playbook meets: half the machine's memory, 4096 processes, every CPU.
      memoryMb: integer(env, 'RUNNER_SANDBOX_MEMORY_MB', Math.max(256, Math.floor(os.totalmem() / 2 / 1024 / 1024)), 64, 16 * 1024 * 1024),
      pids: integer(env, 'RUNNER_SANDBOX_PIDS', 4096, 16, 4_194_304),
      cpus: integer(env, 'RUNNER_SANDBOX_CPUS', os.availableParallelism(), 1, 4096),
    },
  };
}

/** An http(s) base URL with nothing a client would have to strip (credentials, query, fragment), without its trailing slash. */
function baseUrl(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http:// or https:// URL, got "${raw}"`);
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(name, `must be an http:// or https:// URL with no credentials, query or fragment, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** RUNNER_SMTP_URL and RUNNER_SMTP_FROM, both or neither (a relay without a sender could send nothing). */
function smtpSettings(env: Env): RunnerConfig['smtp'] {
  const raw = optional(env, 'RUNNER_SMTP_URL');
  const from = optional(env, 'RUNNER_SMTP_FROM');
  if (raw === undefined) {
    if (from !== undefined) throw new ConfigError('RUNNER_SMTP_URL', 'must be set with RUNNER_SMTP_FROM (the mail relay, smtp://host:port)');
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // The URL may hold a password: the message names the rule, never the value.
  if (!url || !/^smtps?:$/.test(url.protocol) || !url.hostname || (url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new ConfigError('RUNNER_SMTP_URL', 'must be smtp://[user:password@]host[:port] or smtps://…, with nothing after the port');
  }
  if (from === undefined || !/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}$/.test(from)) {
    throw new ConfigError('RUNNER_SMTP_FROM', 'must be the plain sender address of notifications (like runner@example.com), set with RUNNER_SMTP_URL');
  }
  return { url: raw, from };
}

function isKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=?$/.test(value);
}

function decodeKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * Under the launcher: stop gracefully (as on SIGTERM) once it is gone, since the launcher starts its
 * children in process groups of their own and a `kill -9` of it would otherwise leave them running.
 */
export function stopWhenLauncherGone(config: Pick<RunnerConfig, 'launcherPid'>): void {
  if (!config.launcherPid) return;
  const timer = setInterval(() => {
    if (process.ppid === config.launcherPid) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  timer.unref();
}

/** Start-up failed: say why in one line a person can act on, then exit non-zero. */
export function exitOnBootFailure(service: string) {
  return (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${service}: cannot start: ${message}\n`);
    process.exit(1);
  };
}
