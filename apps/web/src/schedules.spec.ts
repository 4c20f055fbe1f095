import { formatLocal, formatUtc, fromLocalInput, toLocalInput, upcomingFireTimes } from './schedules';

const iso = (result: ReturnType<typeof upcomingFireTimes>): string[] | string => ('problem' in result ? result.problem : result.times.map((t) => t.toISOString()));

describe('schedule fire times in the console', () => {
  const now = new Date('2026-11-27T10:00:00Z'); // a Friday

  it('lists the next cron fire times in UTC, each after the one before', () => {
    expect(iso(upcomingFireTimes('cron', '30 2 * * 1-5', now, 3))).toEqual(['2026-11-30T02:30:00.000Z', '2026-12-01T02:30:00.000Z', '2026-12-02T02:30:00.000Z']);
    expect(iso(upcomingFireTimes('cron', '*/20 * * * *', now, 4))).toEqual(['2026-11-27T10:20:00.000Z', '2026-11-27T10:40:00.000Z', '2026-11-27T11:00:00.000Z', '2026-11-27T11:20:00.000Z']);
  });

  it('gives a date one fire time, and a cron that never matches none', () => {
    expect(iso(upcomingFireTimes('date', '2026-12-24T18:00:00Z', now, 5))).toEqual(['2026-12-24T18:00:00.000Z']);
    expect(iso(upcomingFireTimes('cron', '0 0 31 2 *', now, 5))).toEqual([]);
  });

  it('says what is wrong in the API’s words', () => {
    expect(iso(upcomingFireTimes('cron', '61 * * * *', now, 5))).toBe('is not a valid cron expression: "61" is outside 0-59');
    expect(iso(upcomingFireTimes('date', '2026-11-01T00:00:00Z', now, 5))).toBe('is in the past');
    expect(iso(upcomingFireTimes('date', '', now, 5))).toBe('must be an ISO-8601 date-time');
  });

  it('writes times in UTC, and in a local zone only when it is not UTC', () => {
    const at = new Date('2026-11-30T02:30:00Z');
    expect(formatUtc(at)).toBe('Mon 2026-11-30 02:30 UTC');
    expect(formatLocal(at, 'UTC')).toBeNull();
    expect(formatLocal(at, 'Asia/Kolkata')).toBe('Mon, 30/11/2026, 08:00 Asia/Kolkata');
  });

  it('turns a datetime-local value into the instant the API takes and back', () => {
    const value = toLocalInput('2026-12-24T18:00:00Z');
    expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(value)).toBe('2026-12-24T18:00:00.000Z');
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('not a date')).toBe('');
  });
});
