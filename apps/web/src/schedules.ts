import { DEFAULT_TIME_ZONE, fireTimes, type Trigger, type TriggerType, timeZoneProblem, triggerProblem } from '../../../libs/domain/src/cron';
import { seg } from './api';
import { jobPath } from './jobs';

export { DEFAULT_TIME_ZONE, type TriggerType };
export type Overlap = 'allow' | 'skip' | 'queue';
export type CatchUp = 'one' | 'none';

export interface Schedule {
  id: string;
  jobId: string;
  description: string;
  serviceAccountAlias: string;
  trigger: { type: TriggerType; expression: string };
  /** The IANA zone the cron's fields are wall-clock times of. */
  timeZone: string;
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
export type ScheduleBody = Pick<Schedule, 'description' | 'serviceAccountAlias' | 'trigger' | 'timeZone' | 'enabled' | 'overlap' | 'catchUp'>;

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

/** The field of the API's 400 that a preview's problem is about. */
export type ProblemField = 'trigger.expression' | 'timeZone';

/**
 * The next `count` fire times after `now`, with the service's own code (libs/domain cron.ts), or
 * the problem in the words the API would answer with and the field it would name. A date fires
 * once; a cron that never matches has none.
 */
export function upcomingFireTimes(trigger: Trigger, now: Date, count: number): { times: Date[] } | { problem: string; field: ProblemField } {
  const problem = triggerProblem(trigger.type, trigger.expression, now);
  if (problem) return { problem, field: 'trigger.expression' };
  const zoneProblem = timeZoneProblem(trigger.timeZone);
  if (zoneProblem) return { problem: zoneProblem, field: 'timeZone' };
  const next = fireTimes(trigger);
  const times: Date[] = [];
  for (let t = next(now); t && times.length < count; t = next(t)) times.push(t);
  return { times };
}

/**
 * `Mon 2026-12-01 02:30 UTC`, or `Sun 2026-10-25 02:30 Europe/Berlin (GMT+2)`: the wall-clock time
 * in a schedule's zone, weekday first, with the offset outside UTC (a repeated DST hour shows
 * twice, told apart by it).
 */
export function formatInZone(date: Date, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' });
  const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  const when = `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  return isUtc(timeZone) ? `${when} UTC` : `${when} ${timeZone} (${p.timeZoneName})`;
}

const isUtc = (timeZone: string): boolean => timeZone === 'UTC' || timeZone === 'Etc/UTC';

/** The same instant in the browser's time zone, or null when that is the schedule's zone (nothing to add). */
export function formatLocal(date: Date, scheduleZone: string, timeZone = localTimeZone()): string | null {
  if (timeZone === scheduleZone || (isUtc(timeZone) && isUtc(scheduleZone))) return null;
  const text = date.toLocaleString('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return `${text} ${timeZone}`;
}

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zones the form offers (any IANA name may be typed): UTC, the browser's, then every one this browser knows. */
export const offeredTimeZones = (): string[] => [...new Set([DEFAULT_TIME_ZONE, localTimeZone(), ...Intl.supportedValuesOf('timeZone')])];

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
