import { FINAL, type StatusRecord } from './run-grid';

/**
 * A host's record detail, pure (unit-tested in host-records.spec.ts): what each record says in a
 * word, and how long its task took on the host (from its runner_on_start to the task's outcome).
 */
export interface HostRecordRow {
  record: StatusRecord;
  /** ok, changed, failed, ignored, skipped, unreachable, started, item ok, … */
  outcome: string;
  durationMs: number | null;
  /** The task result as Ansible reported it (masked as stored: the record's event_data without the plugin's own keys), or null. */
  result: unknown;
}

const OUTCOME: Record<string, string> = {
  runner_on_start: 'started',
  ...FINAL,
  runner_on_async_poll: 'polling',
  runner_item_on_ok: 'item ok',
  runner_item_on_failed: 'item failed',
  runner_item_on_skipped: 'item skipped',
  runner_retry: 'retrying',
};

export function hostRecordRows(records: StatusRecord[]): HostRecordRow[] {
  const startedAt = new Map<string, number>();
  return records.map((record) => {
    let outcome = OUTCOME[record.event_type] ?? record.event_type;
    if (outcome === 'ok' && record.changed) outcome = 'changed';
    if (outcome === 'failed' && record.event_data?.ignore_errors === true) outcome = 'ignored';
    const task = record.parent_uuid ?? `${record.play ?? ''}\u0000${record.task ?? ''}`;
    let durationMs: number | null = null;
    if (record.event_type === 'runner_on_start') startedAt.set(task, record.timestamp);
    else if (record.event_type in OUTCOME && !record.event_type.startsWith('runner_item_') && startedAt.has(task)) {
      durationMs = Math.max(0, record.timestamp - startedAt.get(task)!);
    }
    return { record, outcome, durationMs, result: resultOf(record) };
  });
}

/** The runner callbacks store Ansible's result as event_data, adding these two keys of their own. */
function resultOf(record: StatusRecord): Record<string, unknown> | null {
  if (record.event_type === 'runner_on_start' || !record.event_data) return null;
  const { task_action: _action, ignore_errors: _ignore, ...result } = record.event_data;
  return Object.keys(result).length ? result : null;
}
