import { hostRecordRows } from './host-records';
import type { StatusRecord } from './run-grid';

const record = (counter: number, event_type: string, extra: Partial<StatusRecord> = {}): StatusRecord => ({
  counter,
  event_type,
  uuid: null,
  parent_uuid: 'task-1',
  host: 'web-1',
  play: 'site',
  task: 'install',
  failed: false,
  changed: false,
  message: null,
  timestamp: 1000 * counter,
  event_data: null,
  ...extra,
});

describe('hostRecordRows', () => {
  it('names each outcome and times a task from its start to its outcome on this host', () => {
    const rows = hostRecordRows([
      record(1, 'runner_on_start'),
      record(2, 'runner_item_on_ok'),
      record(4, 'runner_on_ok', { changed: true, event_data: { changed: true, stdout: '$encrypted$', task_action: 'command', ignore_errors: false } }),
      record(5, 'runner_on_start', { parent_uuid: 'task-2', task: 'check', event_data: { task_action: 'fail' } }),
      record(8, 'runner_on_failed', { parent_uuid: 'task-2', task: 'check', failed: true, message: 'store locked', event_data: { ignore_errors: true, task_action: 'fail' } }),
      record(9, 'runner_on_skipped', { parent_uuid: 'task-3', task: 'never started here' }),
    ]);
    expect(rows.map((r) => r.outcome)).toEqual(['started', 'item ok', 'changed', 'started', 'ignored', 'skipped']);
    expect(rows.map((r) => r.durationMs)).toEqual([null, null, 3000, null, 3000, null]);
    expect(rows[2].result).toEqual({ changed: true, stdout: '$encrypted$' });
    expect(rows[3].result).toBeNull();
    expect(rows[4].result).toBeNull();
  });

  it('keeps an unknown event type as it is, so nothing is hidden', () => {
    expect(hostRecordRows([record(1, 'runner_on_something_new')])[0].outcome).toBe('runner_on_something_new');
  });
});
