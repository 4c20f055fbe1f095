/**
 * Five-field cron (minute hour day-of-month month day-of-week), in UTC, as crontab(5) reads it:
 * `*`, lists, ranges and steps; month and weekday names; 7 is Sunday too; when both day fields
 * are restricted, a day matching either one fires.
 */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`"${token}" is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`"${part}" has an invalid step`);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [a, b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
      if (to < from) throw new Error(`"${part}" is an empty range`);
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error('must have five fields: minute hour day-of-month month day-of-week');
  const weekdays = field(parts[4], 0, 7, WEEKDAYS);
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes: field(parts[0], 0, 59),
    hours: field(parts[1], 0, 23),
    days: field(parts[2], 1, 31),
    months: field(parts[3], 1, 12, MONTHS, 1),
    weekdays,
    dayRestricted: parts[2] !== '*',
    weekdayRestricted: parts[4] !== '*',
  };
}

function dayMatches(cron: CronSchedule, date: Date): boolean {
  const day = cron.days.has(date.getUTCDate());
  const weekday = cron.weekdays.has(date.getUTCDay());
  if (cron.dayRestricted && cron.weekdayRestricted) return day || weekday;
  return day && weekday;
}

/** The first fire time strictly after `after` (minute precision), or null within five years. */
export function nextCronTime(cron: CronSchedule, after: Date): Date | null {
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const limit = after.getTime() + 5 * 366 * 24 * 3600_000;
  while (t.getTime() <= limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(cron, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  return null;
}

/** The next fire time of a trigger after `after`: cron expressions repeat, a date fires once. */
export function nextFireTime(type: 'cron' | 'date', expression: string, after: Date): Date | null {
  if (type === 'date') {
    const at = new Date(expression);
    return at.getTime() > after.getTime() ? at : null;
  }
  return nextCronTime(parseCron(expression), after);
}

/**
 * Why a trigger cannot be stored, in the words the API answers with (after the field name
 * `trigger.expression`), or null when it can. The console's preview calls this too, so what the
 * form says while typing and what the server answers on save are the same check.
 */
export function triggerProblem(type: 'cron' | 'date', expression: string, now: Date): string | null {
  if (type === 'cron') {
    try {
      parseCron(expression);
      return null;
    } catch (error) {
      return `is not a valid cron expression: ${(error as Error).message}`;
    }
  }
  const at = new Date(expression);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(expression)) return 'must be an ISO-8601 date-time';
  if (at.getTime() <= now.getTime()) return 'is in the past';
  return null;
}
