import { isExecutionStatus, isTerminal } from '@app/domain';
import { cellText, time } from './format';

/** One run's state as the activity stream shows it (also its `--output json|yaml` object). */
export interface ActivityEvent {
  execution_id: string;
  job_id: string;
  account_alias: string;
  status: string;
  /** Epoch ms of the change (the record's timestamp, or the run's start for the first listing). */
  time: number | null;
  failed_hosts?: string[];
}

export const ended = (status: string): boolean => isExecutionStatus(status) && isTerminal(status);

/**
 * What `activity --follow` prints: each run's status once per change, whichever source saw it first
 * (the socket.io feed, or the REST listing read at each (re)subscription to cover a gap). Pure.
 */
export class ActivityTracker {
  private readonly known = new Map<string, string>();

  constructor(private readonly onlyStatus?: string) {}

  /** The event to print if this is news (a run not seen yet, or a new status of one); else null. */
  observe(event: ActivityEvent): ActivityEvent | null {
    if (this.known.get(event.execution_id) === event.status) return null;
    this.known.set(event.execution_id, event.status);
    return this.onlyStatus && event.status !== this.onlyStatus ? null : event;
  }
}

const WIDTHS = { time: 20, status: 12, account: 16, id: 36 };

/** The stream's header and lines: fixed widths, since later lines cannot widen earlier ones. */
export function activityHeader(): string {
  return ['TIME'.padEnd(WIDTHS.time), 'STATUS'.padEnd(WIDTHS.status), 'ACCOUNT'.padEnd(WIDTHS.account), 'JOB'.padEnd(WIDTHS.id), 'EXECUTION'].join('  ');
}

export function activityLine(event: ActivityEvent): string {
  const failed = event.failed_hosts?.length ? `  failed: ${event.failed_hosts.join(', ')}` : '';
  return [
    time(event.time).padEnd(WIDTHS.time),
    event.status.padEnd(WIDTHS.status),
    cellText(event.account_alias).padEnd(WIDTHS.account),
    event.job_id.padEnd(WIDTHS.id),
    event.execution_id + failed,
  ].join('  ');
}

/** An execution document (REST) as an activity event. */
export function eventOfExecution(e: any): ActivityEvent {
  return {
    execution_id: e.execution_id,
    job_id: e.job_id,
    account_alias: e.account_alias,
    status: e.status,
    time: ended(e.status) ? (e.end ?? e.start ?? null) : (e.start ?? null),
    ...(e.failed_hosts?.length ? { failed_hosts: e.failed_hosts } : {}),
  };
}
