import { ProgressView, StatusRecord, summaryLines } from './progress';

let counter = 0;
const rec = (event_type: string, fields: Partial<StatusRecord> = {}): StatusRecord => ({
  counter: ++counter,
  event_type,
  host: null,
  play: null,
  task: null,
  failed: false,
  changed: false,
  message: null,
  event_data: {},
  ...fields,
});

function render(records: StatusRecord[]): { lines: string[]; lives: (string | null)[] } {
  const view = new ProgressView();
  const lines: string[] = [];
  const lives: (string | null)[] = [];
  for (const record of records) {
    const update = view.consume(record);
    lines.push(...update.lines);
    lives.push(update.live);
  }
  lines.push(...view.end());
  return { lines, lives };
}

describe('ProgressView', () => {
  it('prints one line per task with its hosts grouped by result, once the task is over', () => {
    const { lines, lives } = render([
      rec('execution_status', { message: 'RUNNING', event_data: { status: 'RUNNING' } }),
      rec('playbook_on_play_start', { play: 'web' }),
      rec('playbook_on_task_start', { task: 'install' }),
      rec('runner_on_start', { host: 'a', task: 'install' }),
      rec('runner_on_ok', { host: 'a', task: 'install' }),
      rec('runner_on_ok', { host: 'b', task: 'install', changed: true }),
      rec('runner_on_failed', { host: 'c', task: 'install', failed: true, message: 'no space left\nsecond line' }),
      rec('runner_on_failed', { host: 'd', task: 'install', failed: true, event_data: { ignore_errors: true } }),
      rec('runner_on_skipped', { host: 'e', task: 'install' }),
      rec('runner_on_unreachable', { host: 'f', task: 'install', failed: true, message: 'ssh: connect refused' }),
      rec('playbook_on_task_start', { task: 'restart' }),
      rec('runner_item_on_ok', { host: 'a', task: 'restart' }),
      rec('runner_on_ok', { host: 'a', task: 'restart' }),
      rec('playbook_on_handler_task_start', { task: 'reload' }),
      rec('playbook_on_stats', { event_data: { hosts: { a: { ok: 2, changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 }, bb: { ok: 1, failures: 1 } } } }),
      rec('execution_status', { message: 'FAILURE: c failed', event_data: { status: 'FAILURE' } }),
      rec('playbook_result', { message: 'FAILURE: c failed', failed: true }),
    ]);
    expect(lines).toEqual([
      '-- RUNNING',
      'PLAY [web]',
      'TASK [install] ok: a | changed: b | failed: c (no space left) | ignored: d | skipping: e | unreachable: f (ssh: connect refused)',
      'TASK [restart] ok: a',
      'HANDLER [reload]',
      'RECAP',
      '  a   ok=2 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0',
      '  bb  ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0',
      '-- FAILURE: c failed',
    ]);
    // The task in progress is the live line, growing as results arrive.
    expect(lives.slice(2, 6)).toEqual(['TASK [install]', 'TASK [install]', 'TASK [install] ok: a', 'TASK [install] ok: a | changed: b']);
    expect(lives.at(-1)).toBeNull();
  });

  it('names at most 8 hosts per result and shortens long messages', () => {
    const hosts = Array.from({ length: 12 }, (_, i) => rec('runner_on_ok', { host: `h${i}`, task: 't' }));
    const { lines } = render([rec('playbook_on_task_start', { task: 't' }), ...hosts, rec('runner_on_failed', { host: 'x', message: 'y'.repeat(300) })]);
    expect(lines[0]).toMatch(/^TASK \[t\] ok: h0, h1, h2, h3, h4, h5, h6, h7 \+4 more \| failed: x \(y{119}…\)$/);
  });

  it('ends an open task when the stream stops mid-task (a stopped run)', () => {
    const { lines } = render([rec('playbook_on_task_start', { task: 'long' })]);
    expect(lines).toEqual(['TASK [long]']);
  });

  it('sums up with the result and the failed hosts', () => {
    expect(summaryLines({ execution_id: 'e', job_id: 'j', status: 'SUCCESS', failed_hosts: [] })).toEqual(['Result: SUCCESS']);
    expect(summaryLines({ execution_id: 'e', job_id: 'j', status: 'FAILURE', failed_hosts: ['a', 'b'], reason: 'x' })).toEqual([
      'Result: FAILURE',
      'Failed hosts: a, b',
    ]);
  });

  it('ends with the artifacts the playbook published: the aggregate, each host, or why they were not stored', () => {
    const base = { execution_id: 'e', job_id: 'j', status: 'SUCCESS', failed_hosts: [] };
    expect(summaryLines({ ...base, artifacts: { run: { build: 42 }, hosts: { web1: { port: 8080 }, web2: {} } } })).toEqual([
      'Result: SUCCESS',
      'Artifacts:',
      '  run: {"build":42}',
      '  web1: {"port":8080}',
      '  web2: {}',
    ]);
    expect(summaryLines({ ...base, artifacts: { omitted: 'over the limit' } })).toEqual(['Result: SUCCESS', 'Artifacts: over the limit']);
    expect(summaryLines({ ...base, artifacts: { run: {}, hosts: {} } })).toEqual(['Result: SUCCESS']);
    expect(summaryLines({ ...base, artifacts: null })).toEqual(['Result: SUCCESS']);
  });
});
