import * as os from 'node:os';
import * as path from 'node:path';
import { baseUrl, ConfigError, Env, integer, optional, origins, parseUrl, text } from './env-values';
import type { RunnerConfig } from './runner-config';

/**
 * The only reader of process.env. Every variable is validated once at start-up; an invalid value
 * throws a ConfigError naming the variable, so a node fails at boot rather than at 3 a.m.
 */

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

/** RUNNER_SMTP_URL and RUNNER_SMTP_FROM, both or neither (a relay without a sender could send nothing). */
function smtpSettings(env: Env): RunnerConfig['smtp'] {
  const raw = optional(env, 'RUNNER_SMTP_URL');
  const from = optional(env, 'RUNNER_SMTP_FROM');
  if (raw === undefined) {
    if (from !== undefined) throw new ConfigError('RUNNER_SMTP_URL', 'must be set with RUNNER_SMTP_FROM (the mail relay, smtp://host:port)');
    return undefined;
  }
  const url = parseUrl(raw);
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
