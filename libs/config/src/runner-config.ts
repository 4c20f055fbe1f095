/**
 * The service's settings, as loadConfig (config.ts) returns them validated from the environment:
 * what each one means; the variables, defaults and limits are in config.ts. Types only.
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
