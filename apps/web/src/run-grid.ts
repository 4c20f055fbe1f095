import type { StatusRecordDocument } from '../../../libs/domain/src/wire';

/**
 * The live run page's model: status records folded into a host × task grid. Pure (no DOM, no
 * socket), so it is unit-tested (run-grid.spec.ts) and the page only renders what it returns.
 */
/** What the grid reads of a status record (libs/domain's wire type, so a renamed field breaks this build). */
export type StatusRecord = Pick<StatusRecordDocument, 'counter' | 'event_type' | 'uuid' | 'parent_uuid' | 'host' | 'play' | 'task' | 'failed' | 'changed' | 'message' | 'timestamp'> &
  Partial<Pick<StatusRecordDocument, 'event_data'>>;

export type CellState = 'running' | 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored';

export interface GridTask {
  key: string;
  name: string;
  play: string;
}

export interface Grid {
  hosts: string[];
  tasks: GridTask[];
  /** Keyed by `cellKey(host, task.key)`. */
  cells: Record<string, { state: CellState; items: number; message: string | null }>;
  /** The last `execution_status` record's status, if any. */
  status: string | null;
  /** The `playbook_result` record's message (the failure reason), once the run ended. */
  result: { failed: boolean; message: string | null } | null;
  records: number;
  lastCounter: number;
  /** Ansible's task uuid → column key. A restart is a new Ansible process with new uuids, so columns are keyed by position instead. */
  columnOf: Record<string, string>;
  /** Per `play + task name`: how many such tasks this Ansible run has started (reset at playbook_on_start). */
  occurrences: Record<string, number>;
}

export const emptyGrid = (): Grid => ({ hosts: [], tasks: [], cells: {}, status: null, result: null, records: 0, lastCounter: 0, columnOf: {}, occurrences: {} });

export const cellKey = (host: string, task: string): string => `${host}\u0000${task}`;

/** The record types that end a task on a host, and the state each leaves its cell in. */
export const FINAL: Record<string, CellState> = {
  runner_on_ok: 'ok',
  runner_on_failed: 'failed',
  runner_on_skipped: 'skipped',
  runner_on_unreachable: 'unreachable',
  runner_on_async_ok: 'ok',
  runner_on_async_failed: 'failed',
};


/** Folds records (in counter order) into the grid; returns a new grid, the old one is untouched. */
export function applyRecords(grid: Grid, records: StatusRecord[]): Grid {
  if (records.length === 0) return grid;
  const next: Grid = {
    ...grid,
    hosts: [...grid.hosts],
    tasks: [...grid.tasks],
    cells: { ...grid.cells },
    columnOf: { ...grid.columnOf },
    occurrences: { ...grid.occurrences },
  };
  const knownTasks = new Set(next.tasks.map((t) => t.key));
  const knownHosts = new Set(next.hosts);
  const addTask = (key: string, name: string | null, play: string | null): void => {
    if (knownTasks.has(key)) return;
    knownTasks.add(key);
    next.tasks.push({ key, name: name || '(unnamed task)', play: play ?? '' });
  };
  const addHost = (host: string): void => {
    if (knownHosts.has(host)) return;
    knownHosts.add(host);
    next.hosts.push(host);
  };
  for (const record of records) {
    next.records++;
    next.lastCounter = Math.max(next.lastCounter, record.counter);
    const type = record.event_type;
    if (type === 'execution_status') {
      next.status = (record.event_data?.status as string | undefined) ?? record.message?.split(':')[0] ?? next.status;
      continue;
    }
    if (type === 'playbook_result') {
      next.result = { failed: record.failed, message: record.message };
      continue;
    }
    if (type === 'playbook_on_start') {
      // A new Ansible process (the first run or a restart): the same tasks come again in order.
      next.occurrences = {};
      continue;
    }
    if (type === 'playbook_on_task_start' || type === 'playbook_on_handler_task_start') {
      const base = `${record.play ?? ''}\u0000${record.task ?? ''}`;
      const nth = (next.occurrences[base] ?? 0) + 1;
      next.occurrences[base] = nth;
      const key = `${base}\u0000${nth}`;
      if (record.uuid) next.columnOf[record.uuid] = key;
      addTask(key, record.task, record.play);
      continue;
    }
    if (!record.host || !type.startsWith('runner_')) continue;
    const key = (record.parent_uuid && next.columnOf[record.parent_uuid]) || record.parent_uuid || `${record.play ?? ''}\u0000${record.task ?? ''}`;
    addTask(key, record.task, record.play);
    addHost(record.host);
    const id = cellKey(record.host, key);
    const cell = next.cells[id] ?? { state: 'running' as CellState, items: 0, message: null };
    if (type === 'runner_on_start') {
      next.cells[id] = { ...cell, state: 'running' };
    } else if (type.startsWith('runner_item_on_')) {
      next.cells[id] = { ...cell, items: cell.items + 1 };
    } else if (FINAL[type]) {
      let state = FINAL[type];
      if (state === 'ok' && record.changed) state = 'changed';
      if (state === 'failed' && record.event_data?.ignore_errors === true) state = 'ignored';
      next.cells[id] = { ...cell, state, message: record.message };
    }
  }
  return next;
}
