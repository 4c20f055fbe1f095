import { nextCronTime, parseCron, triggerProblem } from './cron';

const next = (expression: string, after: string): string | undefined => nextCronTime(parseCron(expression), new Date(after))?.toISOString();

describe('cron', () => {
  it('finds the next fire time in UTC', () => {
    expect(next('* * * * *', '2026-01-01T00:00:30Z')).toBe('2026-01-01T00:01:00.000Z');
    expect(next('*/15 * * * *', '2026-01-01T00:14:00Z')).toBe('2026-01-01T00:15:00.000Z');
    expect(next('30 2 * * *', '2026-01-01T02:30:00Z')).toBe('2026-01-02T02:30:00.000Z');
    expect(next('0 0 1 JAN *', '2026-06-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 9 * * MON-FRI', '2026-11-21T10:00:00Z')).toBe('2026-11-23T09:00:00.000Z'); // Saturday → Monday
    expect(next('0 0 * * 7', '2026-11-23T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z'); // 7 = Sunday
    expect(next('0 0 31 2 *', '2026-01-01T00:00:00Z')).toBeUndefined(); // never
  });

  it('fires on either day field when both are restricted, like crontab', () => {
    // 13th of the month OR a Friday.
    expect(next('0 0 13 * 5', '2026-11-01T00:00:00Z')).toBe('2026-11-06T00:00:00.000Z');
  });

  it.each(['', '* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '*/0 * * * *', '5-1 * * * *', 'x * * * *'])(
    'refuses %j',
    (expression) => expect(() => parseCron(expression)).toThrow(),
  );

  it('says why a trigger cannot be stored, or nothing when it can', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    expect(triggerProblem('cron', '30 2 * * 1-5', now)).toBeNull();
    expect(triggerProblem('cron', '61 * * * *', now)).toBe('is not a valid cron expression: "61" is outside 0-59');
    expect(triggerProblem('cron', '* * *', now)).toMatch(/^is not a valid cron expression: must have five fields/);
    expect(triggerProblem('date', '2026-12-01T02:30:00Z', now)).toBeNull();
    expect(triggerProblem('date', '2026-11-29T00:00:00Z', now)).toBe('is in the past');
    expect(triggerProblem('date', '2026-11-30T00:00:00Z', now)).toBe('is in the past');
    expect(triggerProblem('date', 'tomorrow', now)).toBe('must be an ISO-8601 date-time');
    expect(triggerProblem('date', '2026-12-01', now)).toBe('must be an ISO-8601 date-time');
  });
});
