import { nextFireTime, triggerProblem } from '../../../libs/domain/src/cron';
import { seg } from './api';
import { jobPath } from './jobs';

export type TriggerType = 'cron' | 'date';
export type Overlap = 'allow' | 'skip' | 'queue';
export type CatchUp = 'one' | 'none';

export interface Schedule {
  id: string;
  jobId: string;
  description: string;
  serviceAccountAlias: string;
  trigger: { type: TriggerType; expression: string };
  enabled: boolean;
  overlap: Overlap;
  catchUp: CatchUp;
  /** The API's next fire time (ms), null when there is none. */
  nextRunTime: number | null;
}

export interface ServiceAccount {
  alias: string;
  username: string;
  createdTime: number;
}

/** What a schedule's PUT and POST take: the editable part of a Schedule. */
export type ScheduleBody = Pick<Schedule, 'description' | 'serviceAccountAlias' | 'trigger' | 'enabled' | 'overlap' | 'catchUp'>;

export const schedulesPath = (alias: string, jobId: string): string => `${jobPath(alias, jobId)}/schedules`;
export const accountSchedulesPath = (alias: string): string => `/v2/automation/schedules/${seg(alias)}`;
export const serviceAccountsPath = (alias: string): string => `/v2/automation/serviceAccounts/${seg(alias)}`;

export const OVERLAP: { value: Overlap; label: string; explain: string }[] = [
  { value: 'allow', label: 'Allow', explain: 'start another run even while the previous scheduled run is still active' },
  { value: 'skip', label: 'Skip', explain: 'leave this fire time out (recorded as skipped) while the previous run is active' },
  { value: 'queue', label: 'Queue', explain: 'wait, and start as soon as the previous run has ended' },
];

export const CATCH_UP: { value: CatchUp; label: string; explain: string }[] = [
  { value: 'one', label: 'One', explain: 'fire times missed while no worker ran start one run for all of them' },
  { value: 'none', label: 'None', explain: 'missed fire times start nothing; the schedule goes on from the next one' },
];

/**
 * The next `count` fire times after `now`, with the service's own parser (libs/domain cron.ts), or
 * the problem in the words the API would answer with. A date fires once; a cron that never matches
 * within five years has none.
 */
export function upcomingFireTimes(type: TriggerType, expression: string, now: Date, count: number): { times: Date[] } | { problem: string } {
  const problem = triggerProblem(type, expression, now);
  if (problem) return { problem };
  const times: Date[] = [];
  let after = now;
  for (let next = nextFireTime(type, expression, after); next && times.length < count; next = nextFireTime(type, expression, after)) {
    times.push(next);
    after = next;
  }
  return { times };
}

/** `2026-12-01 02:30 UTC` (weekday first): what a cron in UTC means, written the same everywhere. */
export function formatUtc(date: Date): string {
  const weekday = date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
  return `${weekday} ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The same instant in the browser's time zone, or null when that zone is UTC (nothing to add). */
export function formatLocal(date: Date, timeZone = localTimeZone()): string | null {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return null;
  const text = date.toLocaleString('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return `${text} ${timeZone}`;
}

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An ISO instant as an `<input type="datetime-local">` value in the browser's zone ('' if invalid). */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const seconds = date.getSeconds() ? `:${pad(date.getSeconds())}` : '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}${seconds}`;
}

/** A datetime-local value (the browser's zone) as the ISO-8601 instant the API takes ('' if empty). */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
