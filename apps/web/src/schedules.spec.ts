import { formatInZone, formatLocal, fromLocalInput, offeredTimeZones, toLocalInput, type TriggerType, upcomingFireTimes } from './schedules';

const iso = (result: ReturnType<typeof upcomingFireTimes>): string[] | string => ('problem' in result ? `${result.field} ${result.problem}` : result.times.map((t) => t.toISOString()));
const upcoming = (type: TriggerType, expression: string, now: Date, count: number, timeZone = 'UTC') => upcomingFireTimes({ type, expression, timeZone }, now, count);

describe('schedule fire times in the console', () => {
  const now = new Date('2026-11-27T10:00:00Z'); // a Friday

  it('lists the next cron fire times in the schedule’s zone, each after the one before', () => {
    expect(iso(upcoming('cron', '30 2 * * 1-5', now, 3))).toEqual(['2026-11-30T02:30:00.000Z', '2026-12-01T02:30:00.000Z', '2026-12-02T02:30:00.000Z']);
    expect(iso(upcoming('cron', '*/20 * * * *', now, 4))).toEqual(['2026-11-27T10:20:00.000Z', '2026-11-27T10:40:00.000Z', '2026-11-27T11:00:00.000Z', '2026-11-27T11:20:00.000Z']);
    // 02:30 in Tokyo is 17:30 UTC the day before: Monday's is Sunday's 17:30 UTC.
    expect(iso(upcoming('cron', '30 2 * * 1-5', now, 2, 'Asia/Tokyo'))).toEqual(['2026-11-29T17:30:00.000Z', '2026-11-30T17:30:00.000Z']);
  });

  it('gives a date one fire time, and a cron that never matches none', () => {
    expect(iso(upcoming('date', '2026-12-24T18:00:00Z', now, 5, 'Asia/Tokyo'))).toEqual(['2026-12-24T18:00:00.000Z']);
    expect(iso(upcoming('cron', '0 0 31 2 *', now, 5))).toEqual([]);
  });

  it('says what is wrong in the API’s words, with the field it names', () => {
    expect(iso(upcoming('cron', '61 * * * *', now, 5))).toBe('trigger.expression is not a valid cron expression: the minute field "61" is outside 0-59');
    expect(iso(upcoming('date', '2026-11-01T00:00:00Z', now, 5))).toBe('trigger.expression is in the past');
    expect(iso(upcoming('date', '', now, 5))).toBe('trigger.expression must be an ISO-8601 date-time');
    expect(iso(upcoming('cron', '0 3 * * *', now, 5, 'Mars/Olympus'))).toBe('timeZone must be an IANA time zone name, such as "Europe/Berlin" or "UTC"');
  });

  it('writes times in the schedule’s zone, and in the browser’s only when that differs', () => {
    const at = new Date('2026-11-30T02:30:00Z');
    expect(formatInZone(at, 'UTC')).toBe('Mon 2026-11-30 02:30 UTC');
    expect(formatInZone(at, 'America/New_York')).toBe('Sun 2026-11-29 21:30 America/New_York (GMT-5)');
    // The hour that Berlin repeats on 2026-10-25, told apart by its offset.
    expect(formatInZone(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('Sun 2026-10-25 02:30 Europe/Berlin (GMT+2)');
    expect(formatInZone(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('Sun 2026-10-25 02:30 Europe/Berlin (GMT+1)');
    expect(formatLocal(at, 'UTC', 'UTC')).toBeNull();
    expect(formatLocal(at, 'Asia/Kolkata', 'Asia/Kolkata')).toBeNull();
    expect(formatLocal(at, 'UTC', 'Asia/Kolkata')).toBe('Mon, 30/11/2026, 08:00 Asia/Kolkata');
    expect(formatLocal(at, 'Europe/Berlin', 'UTC')).toBe('Mon, 30/11/2026, 02:30 UTC');
  });

  it('offers UTC and the browser’s zone first, then every zone without repeats', () => {
    const zones = offeredTimeZones();
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Europe/Berlin');
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('turns a datetime-local value into the instant the API takes and back', () => {
    const value = toLocalInput('2026-12-24T18:00:00Z');
    expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(value)).toBe('2026-12-24T18:00:00.000Z');
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('not a date')).toBe('');
  });
});
