import { applyRecords, cellKey, emptyGrid, type StatusRecord } from './run-grid';

let counter = 0;
const rec = (event_type: string, extra: Partial<StatusRecord> = {}): StatusRecord => ({
  counter: ++counter,
  event_type,
  uuid: null,
  parent_uuid: null,
  host: null,
  play: 'all',
  task: null,
  failed: false,
  changed: false,
  message: null,
  timestamp: 0,
  event_data: null,
  ...extra,
});

describe('run grid', () => {
  beforeEach(() => (counter = 0));

  it('adds hosts and tasks in the order they appear and fills cells from runner events', () => {
    const records = [
      rec('execution_status', { event_data: { status: 'RUNNING' }, message: 'RUNNING' }),
      rec('playbook_on_task_start', { uuid: 't1', task: 'ping' }),
      rec('runner_on_start', { parent_uuid: 't1', host: 'web-2', task: 'ping' }),
      rec('runner_on_start', { parent_uuid: 't1', host: 'web-1', task: 'ping' }),
      rec('runner_on_ok', { parent_uuid: 't1', host: 'web-2', task: 'ping' }),
      rec('runner_on_ok', { parent_uuid: 't1', host: 'web-1', task: 'ping', changed: true }),
      rec('playbook_on_task_start', { uuid: 't2', task: 'fail' }),
      rec('runner_on_failed', { parent_uuid: 't2', host: 'web-1', task: 'fail', failed: true, message: 'boom' }),
      rec('runner_on_failed', { parent_uuid: 't2', host: 'web-2', task: 'fail', failed: true, event_data: { ignore_errors: true } }),
    ];
    const grid = applyRecords(emptyGrid(), records);
    expect(grid.hosts).toEqual(['web-2', 'web-1']);
    expect(grid.tasks.map((t) => t.name)).toEqual(['ping', 'fail']);
    const [ping, fail] = grid.tasks.map((t) => t.key);
    expect(grid.cells[cellKey('web-2', ping)].state).toBe('ok');
    expect(grid.cells[cellKey('web-1', ping)].state).toBe('changed');
    expect(grid.cells[cellKey('web-1', fail)]).toEqual({ state: 'failed', items: 0, message: 'boom' });
    expect(grid.cells[cellKey('web-2', fail)].state).toBe('ignored');
    expect(grid.status).toBe('RUNNING');
    expect(grid.records).toBe(9);
    expect(grid.lastCounter).toBe(9);
  });

  it('is the same whether records arrive at once or one by one, and leaves the old grid untouched', () => {
    const records = [
      rec('playbook_on_task_start', { uuid: 't1', task: 'loop' }),
      rec('runner_on_start', { parent_uuid: 't1', host: 'h', task: 'loop' }),
      rec('runner_item_on_ok', { parent_uuid: 't1', host: 'h', task: 'loop' }),
      rec('runner_item_on_ok', { parent_uuid: 't1', host: 'h', task: 'loop' }),
      rec('runner_on_ok', { parent_uuid: 't1', host: 'h', task: 'loop' }),
      rec('execution_status', { event_data: { status: 'FAILURE', reason: 'x' }, message: 'FAILURE: x' }),
      rec('playbook_result', { failed: true, message: 'a host failed' }),
    ];
    const first = emptyGrid();
    const stepwise = records.reduce((grid, r) => applyRecords(grid, [r]), first);
    expect(stepwise).toEqual(applyRecords(emptyGrid(), records));
    expect(first).toEqual(emptyGrid());
    expect(stepwise.cells[cellKey('h', stepwise.tasks[0].key)]).toEqual({ state: 'ok', items: 2, message: null });
    expect(stepwise.status).toBe('FAILURE');
    expect(stepwise.result).toEqual({ failed: true, message: 'a host failed' });
  });

  it('shows a host as running while its task has started but not finished', () => {
    const grid = applyRecords(emptyGrid(), [rec('runner_on_start', { parent_uuid: 't9', host: 'slow', task: 'sleep' })]);
    expect(grid.tasks).toEqual([{ key: 't9', name: 'sleep', play: 'all' }]);
    expect(grid.cells[cellKey('slow', 't9')].state).toBe('running');
  });

  it('puts a restart (a new Ansible run, new uuids) into the same columns, and same-named tasks into their own', () => {
    const run = (prefix: string, hosts: string[], fail: boolean): StatusRecord[] => [
      rec('playbook_on_start'),
      rec('playbook_on_task_start', { uuid: `${prefix}1`, task: 'debug' }),
      ...hosts.map((host) => rec('runner_on_ok', { parent_uuid: `${prefix}1`, host, task: 'debug' })),
      rec('playbook_on_task_start', { uuid: `${prefix}2`, task: 'debug' }),
      ...hosts.map((host) => rec(fail && host === 'b' ? 'runner_on_failed' : 'runner_on_ok', { parent_uuid: `${prefix}2`, host, task: 'debug' })),
    ];
    const first = applyRecords(emptyGrid(), run('x', ['a', 'b'], true));
    expect(first.tasks.map((t) => t.name)).toEqual(['debug', 'debug']);
    const second = first.tasks[1].key;
    expect(first.cells[cellKey('b', second)].state).toBe('failed');
    const restarted = applyRecords(first, run('y', ['b'], false));
    expect(restarted.tasks).toEqual(first.tasks);
    expect(restarted.cells[cellKey('b', second)].state).toBe('ok');
    expect(restarted.cells[cellKey('a', second)].state).toBe('ok');
  });
});
