import { readableLine } from './json-logger';

describe('readable log lines', () => {
  const line = JSON.stringify({ level: 'warn', time: '2026-11-30T04:16:41.211Z', service: 'worker', executionId: 'e1', attempt: 2, detail: { a: 1 }, msg: 'lease lost' });

  it('puts the time, level, service and message first, then each field as key=value', () => {
    expect(readableLine(line, false)).toBe('04:16:41.211  WARN   worker  lease lost  executionId=e1  attempt=2  detail={"a":1}\n');
  });

  it('colours the level only for a terminal', () => {
    expect(readableLine(line, true)).toContain('\x1b[33mWARN \x1b[0m');
    expect(readableLine(line, false)).not.toContain('\x1b[');
  });
});
