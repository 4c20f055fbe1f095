/** Execution statuses of API.md and the only transitions allowed between them. */
export const EXECUTION_STATUSES = [
  'PENDING',
  'INITIALIZING',
  'RUNNING',
  'SUCCESS',
  'FAILURE',
  'INIT_FAILURE',
  'STOPPING',
  'STOPPED',
  'KILLING',
  'KILLED',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

const NEXT: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  // Stopping or killing a run that has not been claimed ends it at once; a scheduled run whose
  // service account cannot log in fails before any worker claims it.
  PENDING: ['INITIALIZING', 'STOPPED', 'KILLED', 'INIT_FAILURE'],
  // Back to PENDING only when a worker lost its lease before Ansible started (never repeated blindly).
  INITIALIZING: ['RUNNING', 'INIT_FAILURE', 'STOPPING', 'KILLING', 'PENDING', 'FAILURE'],
  RUNNING: ['SUCCESS', 'FAILURE', 'STOPPING', 'KILLING'],
  STOPPING: ['STOPPED', 'KILLING', 'FAILURE'],
  KILLING: ['KILLED', 'FAILURE'],
  // Restart re-queues a failed run against its failed hosts.
  FAILURE: ['PENDING'],
  SUCCESS: [],
  INIT_FAILURE: [],
  STOPPED: [],
  KILLED: [],
};

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return NEXT[from].includes(to);
}

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED'];
/** Statuses in which a worker owns the run and holds a lease. */
export const OWNED_STATUSES: readonly ExecutionStatus[] = ['INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING'];
/** Statuses that count as "active" (blocking job deletion, counting against limits). */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['PENDING', ...OWNED_STATUSES];
/** The run waits in the queue for a worker to claim it. */
export const QUEUED_STATUS: ExecutionStatus = 'PENDING';
/** The status a claim moves a queued run to. */
export const CLAIMED_STATUS: ExecutionStatus = 'INITIALIZING';
/** Endings that count as failures: their `execution_status` record is marked failed (webhooks' ERROR level). */
export const FAILED_STATUSES: readonly ExecutionStatus[] = ['FAILURE', 'INIT_FAILURE', 'KILLED'];
/** A worker's own run may still be asked to stop (a drain): not yet stopping, killing or ended. */
export const STOPPABLE_STATUSES: readonly ExecutionStatus[] = ['INITIALIZING', 'RUNNING'];

/**
 * How long a stop waits for Ansible to end the current task before the run is killed, when the stop
 * request names none (API.md: stop `{expiryDuration?}`); a run past its executionTtl gets it too.
 */
export const DEFAULT_STOP_GRACE_SECONDS = 30;

/**
 * The buckets (seconds, cumulative) of /metrics' run duration histogram. Kept per account by the
 * database (migration 1733700000000-account-queues writes them into its trigger), so a change here
 * needs a migration that rewrites `run_durations` and recounts.
 */
export const RUN_DURATION_BUCKETS_SECONDS = [1, 5, 15, 60, 300, 900, 3600, 10800] as const;

/**
 * The status a run ends in: a stop or kill that was requested wins over what Ansible's exit said.
 */
export function finalStatus(current: ExecutionStatus, natural: ExecutionStatus): ExecutionStatus {
  return current === 'KILLING' ? 'KILLED' : current === 'STOPPING' ? 'STOPPED' : natural;
}

export function isTerminal(status: ExecutionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isExecutionStatus(value: unknown): value is ExecutionStatus {
  return typeof value === 'string' && (EXECUTION_STATUSES as readonly string[]).includes(value);
}
