import { Cron } from 'croner';

/** A schedule's time zone when none is given: cron expressions read as they always did. */
export const DEFAULT_TIME_ZONE = 'UTC';

export type TriggerType = 'cron' | 'date';

/** What a schedule fires on: a cron expression read in `timeZone`, or one date (an instant: no zone needed). */
export interface Trigger {
  type: TriggerType;
  expression: string;
  timeZone: string;
}

const FIVE_FIELDS = 'must have five fields: minute hour day-of-month month day-of-week';

/** croner's names for the five fields (in its range errors), in our words and ranges. */
const FIELDS: Record<string, { index: number; name: string; range: string }> = {
  minute: { index: 0, name: 'minute', range: '0-59' },
  hour: { index: 1, name: 'hour', range: '0-23' },
  day: { index: 2, name: 'day-of-month', range: '1-31' },
  month: { index: 3, name: 'month', range: '1-12 or JAN-DEC' },
  dayOfWeek: { index: 4, name: 'day-of-week', range: '0-7 or SUN-SAT' },
};

/**
 * croner, read as crontab(5) reads cron: five fields (minute precision, as the scheduler's fire
 * times and its missed-fire rule are; seconds and years are refused), a day matching either day
 * field when both are restricted, and `5/10` (from 5, every 10), which our own parser took.
 * croner adds `L`, `W`, `#`, `?` and nicknames (`@daily`); `timeZone` is where the fields are
 * wall-clock times, DST included (README "Schedules").
 */
function cron(expression: string, timeZone: string): Cron {
  return new Cron(expression.trim(), { timezone: timeZone, mode: '5-part', sloppyRanges: true, domAndDow: false });
}

/**
 * The fire times of a trigger, as "the first one strictly after t" (null: none). Parses once, so a
 * caller walking many fire times (catch-up, the console's preview) parses once. Throws on a trigger
 * that triggerProblem or timeZoneProblem refuses.
 */
export function fireTimes(trigger: Trigger): (after: Date) => Date | null {
  if (trigger.type === 'date') {
    const at = new Date(trigger.expression);
    return (after) => (at.getTime() > after.getTime() ? at : null);
  }
  const schedule = cron(trigger.expression, trigger.timeZone);
  return (after) => schedule.nextRun(after);
}

/**
 * Why a trigger cannot be stored, in the words the API answers with (after the field name
 * `trigger.expression`), or null when it can. The console's preview calls this too, so what the
 * form says while typing and what the server answers on save are the same check.
 */
export function triggerProblem(type: TriggerType, expression: string, now: Date): string | null {
  if (type === 'cron') {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5 && !expression.trim().startsWith('@')) return `is not a valid cron expression: ${FIVE_FIELDS}`;
    // croner would read anything with a colon as a one-time date, and then complain about ISO 8601.
    if (expression.includes(':')) return 'is not a valid cron expression: ":" is not part of cron (a one-time date is trigger type "date")';
    try {
      cron(expression, DEFAULT_TIME_ZONE);
      return null;
    } catch (error) {
      return `is not a valid cron expression: ${cronError(error as Error, fields)}`;
    }
  }
  const at = new Date(expression);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(expression)) return 'must be an ISO-8601 date-time';
  if (at.getTime() <= now.getTime()) return 'is in the past';
  return null;
}

/**
 * croner's complaint in our words: its range errors name the field with an internal index (month
 * 13 is "12"), so those name the field and its text instead; the others are clear once their
 * "CronPattern: " prefix is gone.
 */
function cronError(error: Error, fields: string[]): string {
  const range = /Invalid value for (\w+)/.exec(error.message);
  const field = range ? FIELDS[range[1]] : undefined;
  if (field) return `the ${field.name} field "${fields[field.index]}" is outside ${field.range}`;
  return error.message.replace(/^CronPattern: /, '');
}

/** An IANA name (`Europe/Berlin`, `UTC`): no offsets like `+02:00`, which croner cannot read. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * Why a schedule's time zone cannot be stored (after the field name `timeZone`), or null when it
 * can: an IANA name that this runtime's time zone data knows. Shared by the API and the console's
 * form, like triggerProblem.
 */
export function timeZoneProblem(timeZone: string): string | null {
  if (timeZone.length <= 64 && ZONE_NAME.test(timeZone)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      return null;
    } catch {
      // an unknown name: said below
    }
  }
  return 'must be an IANA time zone name, such as "Europe/Berlin" or "UTC"';
}
