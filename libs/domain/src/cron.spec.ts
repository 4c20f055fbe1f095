import { fireTimes, timeZoneProblem, triggerProblem } from './cron';

const next = (expression: string, after: string, timeZone = 'UTC'): string | undefined =>
  fireTimes({ type: 'cron', expression, timeZone })(new Date(after))?.toISOString();

/** The first `count` fire times after `after`, each found from the one before. */
function walk(expression: string, timeZone: string, after: string, count: number): string[] {
  const nextOf = fireTimes({ type: 'cron', expression, timeZone });
  const times: string[] = [];
  for (let t = nextOf(new Date(after)); t && times.length < count; t = nextOf(t)) times.push(t.toISOString());
  return times;
}

describe('cron', () => {
  it('finds the next fire time in UTC, as our own parser did', () => {
    expect(next('* * * * *', '2026-01-01T00:00:30Z')).toBe('2026-01-01T00:01:00.000Z');
    expect(next('*/15 * * * *', '2026-01-01T00:14:00Z')).toBe('2026-01-01T00:15:00.000Z');
    expect(next('30 2 * * *', '2026-01-01T02:30:00Z')).toBe('2026-01-02T02:30:00.000Z');
    expect(next('0 0 1 JAN *', '2026-06-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 9 * * MON-FRI', '2026-11-21T10:00:00Z')).toBe('2026-11-23T09:00:00.000Z'); // Saturday → Monday
    expect(next('0 0 * * 7', '2026-11-23T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z'); // 7 = Sunday
    expect(next('5/20 * * * *', '2026-01-01T00:06:00Z')).toBe('2026-01-01T00:25:00.000Z'); // from 5, every 20
    expect(next('1,2-5/2,*/30 3 * * *', '2026-01-01T03:02:00Z')).toBe('2026-01-01T03:04:00.000Z'); // 2-5/2: 2 and 4
    expect(next(' 0\t0  * * sun ', '2026-11-23T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(next('0 0 31 2 *', '2026-01-01T00:00:00Z')).toBeUndefined(); // never
  });

  it('fires on either day field when both are restricted, like crontab', () => {
    // 13th of the month OR a Friday.
    expect(next('0 0 13 * 5', '2026-11-01T00:00:00Z')).toBe('2026-11-06T00:00:00.000Z');
  });

  it("takes croner's additions: the last day of the month, the nth weekday, nicknames", () => {
    expect(next('0 0 L * *', '2026-02-01T00:00:00Z')).toBe('2026-02-28T00:00:00.000Z');
    expect(next('0 0 * * 5#2', '2026-01-01T00:00:00Z')).toBe('2026-01-09T00:00:00.000Z');
    expect(next('@daily', '2026-01-01T12:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
  });

  it('reads the fields as wall-clock times of the time zone', () => {
    expect(next('30 2 * * *', '2026-01-01T00:00:00Z', 'Asia/Tokyo')).toBe('2026-01-01T17:30:00.000Z');
    expect(next('0 9 * * MON', '2026-07-01T00:00:00Z', 'America/New_York')).toBe('2026-07-06T13:00:00.000Z'); // EDT, UTC-4
    expect(next('0 9 * * MON', '2026-12-01T00:00:00Z', 'America/New_York')).toBe('2026-12-07T14:00:00.000Z'); // EST, UTC-5
  });

  it('fires a fixed time in the hour that DST skips at the first minute after it, and once in a repeated hour', () => {
    // Europe/Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:00 and 02:30 do not exist that day.
    expect(walk('0 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:00:00.000Z', // 02:00 CEST
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(next('30 2 * * *', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
    // 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice; it fires on the first only.
    expect(walk('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('fires a repeating expression at every wall-clock time that exists: none in the skipped hour, both in the repeated one', () => {
    expect(walk('*/30 * * * *', 'Europe/Berlin', '2026-03-29T00:45:00Z', 2)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']); // 03:00, 03:30 CEST
    expect(walk('*/30 2 * * *', 'Europe/Berlin', '2026-10-24T23:59:00Z', 4)).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('fires a date once, whatever the time zone', () => {
    const at = fireTimes({ type: 'date', expression: '2026-12-01T02:30:00.250Z', timeZone: 'Asia/Tokyo' });
    expect(at(new Date('2026-11-30T00:00:00Z'))?.toISOString()).toBe('2026-12-01T02:30:00.250Z');
    expect(at(new Date('2026-12-01T02:30:00.250Z'))).toBeNull();
  });

  it.each(['', '* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '*/0 * * * *', '5-1 * * * *', 'x * * * *', '0 * * * * *', '0 0 * * * * 2026', '@reboot', 'mon * * * *', '2026-12-01T00:00:00', '@daily:00'])(
    'refuses %j',
    (expression) => expect(triggerProblem('cron', expression, new Date())).toMatch(/^is not a valid cron expression: /),
  );

  it('says why a trigger cannot be stored, or nothing when it can', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    expect(triggerProblem('cron', '30 2 * * 1-5', now)).toBeNull();
    expect(triggerProblem('cron', '61 * * * *', now)).toBe('is not a valid cron expression: the minute field "61" is outside 0-59');
    expect(triggerProblem('cron', '0 0 1 1,13 *', now)).toBe('is not a valid cron expression: the month field "1,13" is outside 1-12 or JAN-DEC');
    expect(triggerProblem('cron', '0 0 0 * *', now)).toBe('is not a valid cron expression: the day-of-month field "0" is outside 1-31');
    expect(triggerProblem('cron', '* * *', now)).toBe('is not a valid cron expression: must have five fields: minute hour day-of-month month day-of-week');
    expect(triggerProblem('cron', '0 * * * * *', now)).toMatch(/must have five fields/);
    expect(triggerProblem('cron', '*/0 * * * *', now)).toBe('is not a valid cron expression: Syntax error, illegal stepping: 0');
    expect(triggerProblem('cron', '12:00 * * * *', now)).toBe('is not a valid cron expression: ":" is not part of cron (a one-time date is trigger type "date")');
    expect(triggerProblem('date', '2026-12-01T02:30:00Z', now)).toBeNull();
    expect(triggerProblem('date', '2026-11-29T00:00:00Z', now)).toBe('is in the past');
    expect(triggerProblem('date', '2026-11-30T00:00:00Z', now)).toBe('is in the past');
    expect(triggerProblem('date', 'tomorrow', now)).toBe('must be an ISO-8601 date-time');
    expect(triggerProblem('date', '2026-12-01', now)).toBe('must be an ISO-8601 date-time');
  });

  it('takes IANA time zone names only', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Asia/Tokyo']) expect(timeZoneProblem(zone)).toBeNull();
    for (const zone of ['', 'Mars/Olympus', '+02:00', 'UTC+2', 'Europe/Berlin ', '../etc/passwd', 'Local', 'x'.repeat(65)]) {
      expect({ zone, problem: timeZoneProblem(zone) }).toEqual({ zone, problem: 'must be an IANA time zone name, such as "Europe/Berlin" or "UTC"' });
    }
  });
});
