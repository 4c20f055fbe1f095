import type { StatusRecordDocument } from '@app/realtime';

/**
 * The live view of `run --follow`, from status records (API.md "Status records"). Pure: records
 * in, text out. A task's line lists its hosts by result; it is final once the next task, play or
 * the recap begins. Until then it is the "live" line, which a terminal redraws in place and a log
 * (CI) skips, so a log gets each task once, complete.
 */

/** The fields of a status record (libs/realtime's shape, as the API sends it) that the view reads. */
export type StatusRecord = Pick<StatusRecordDocument, 'counter' | 'event_type' | 'host' | 'play' | 'task' | 'failed' | 'changed' | 'message' | 'event_data'> &
  Partial<Pick<StatusRecordDocument, 'execution_id'>>;

export interface ExecutionDocument {
  execution_id: string;
  job_id: string;
  status: string;
  failed_hosts?: string[] | null;
  host_summaries?: Record<string, Record<string, number>> | null;
  reason?: string | null;
  exit_code?: number | null;
  /** set_stats data: `{run, hosts}`, or `{omitted}` when it was over the server's limit. */
  artifacts?: { run?: Record<string, unknown>; hosts?: Record<string, Record<string, unknown>>; omitted?: string } | null;
}

type Outcome = 'ok' | 'changed' | 'failed' | 'ignored' | 'skipping' | 'unreachable';
const OUTCOME_ORDER: Outcome[] = ['ok', 'changed', 'failed', 'ignored', 'skipping', 'unreachable'];
/** Hosts named per outcome on one line; a run on 500 hosts still gets readable lines. */
const MAX_HOSTS = 8;
const MAX_MESSAGE = 120;

interface TaskState {
  kind: 'TASK' | 'HANDLER';
  name: string;
  results: Map<Outcome, { host: string; message?: string }[]>;
}

export interface ViewUpdate {
  /** Lines to print for good. */
  lines: string[];
  /** The task in progress, or null when none is. */
  live: string | null;
}

export class ProgressView {
  private task: TaskState | null = null;

  consume(record: StatusRecord): ViewUpdate {
    const lines: string[] = [];
    const type = record.event_type;
    if (type === 'execution_status') {
      lines.push(...this.closeTask(), `-- ${record.message ?? statusOf(record)}`);
    } else if (type === 'playbook_on_play_start') {
      lines.push(...this.closeTask(), `PLAY [${record.play ?? ''}]`);
    } else if (type === 'playbook_on_task_start' || type === 'playbook_on_handler_task_start' || type === 'playbook_on_cleanup_task_start') {
      lines.push(...this.closeTask());
      this.task = { kind: type === 'playbook_on_handler_task_start' ? 'HANDLER' : 'TASK', name: record.task ?? '', results: new Map() };
    } else if (type === 'playbook_on_no_hosts_matched') {
      lines.push(...this.closeTask(), 'no hosts matched');
    } else if (HOST_RESULTS.has(type) && record.host) {
      if (!this.task) this.task = { kind: 'TASK', name: record.task ?? '', results: new Map() };
      const outcome = outcomeOf(record);
      const list = this.task.results.get(outcome) ?? [];
      list.push({ host: record.host, ...(outcome === 'failed' || outcome === 'unreachable' ? { message: firstLine(record.message) } : {}) });
      this.task.results.set(outcome, list);
    } else if (type === 'playbook_on_stats') {
      lines.push(...this.closeTask(), ...recapLines(record.event_data?.hosts));
    } else if (type === 'playbook_result') {
      lines.push(...this.closeTask());
    }
    return { lines, live: this.task ? taskLine(this.task) : null };
  }

  /** Lines still open when the stream ends (a run stopped mid-task). */
  end(): string[] {
    return this.closeTask();
  }

  private closeTask(): string[] {
    const task = this.task;
    this.task = null;
    return task ? [taskLine(task)] : [];
  }
}

const HOST_RESULTS = new Set(['runner_on_ok', 'runner_on_failed', 'runner_on_skipped', 'runner_on_unreachable', 'runner_on_async_ok', 'runner_on_async_failed']);

function outcomeOf(record: StatusRecord): Outcome {
  switch (record.event_type) {
    case 'runner_on_failed':
    case 'runner_on_async_failed':
      return record.event_data?.ignore_errors === true ? 'ignored' : 'failed';
    case 'runner_on_skipped':
      return 'skipping';
    case 'runner_on_unreachable':
      return 'unreachable';
    default:
      return record.changed ? 'changed' : 'ok';
  }
}

function statusOf(record: StatusRecord): string {
  return String(record.event_data?.status ?? 'status changed');
}

function firstLine(message: string | null): string | undefined {
  if (!message) return undefined;
  const line = message.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line || undefined;
}

/** `TASK [name] ok: a, b | changed: c | failed: d (message)` */
export function taskLine(task: TaskState): string {
  const parts: string[] = [];
  for (const outcome of OUTCOME_ORDER) {
    const results = task.results.get(outcome);
    if (!results?.length) continue;
    const shown = results.slice(0, MAX_HOSTS).map((r) => (r.message ? `${r.host} (${r.message})` : r.host));
    const more = results.length > MAX_HOSTS ? ` +${results.length - MAX_HOSTS} more` : '';
    parts.push(`${outcome}: ${shown.join(', ')}${more}`);
  }
  return `${task.kind} [${task.name}]${parts.length ? ` ${parts.join(' | ')}` : ''}`;
}

function recapLines(hosts: unknown): string[] {
  if (typeof hosts !== 'object' || hosts === null) return [];
  const entries = Object.entries(hosts as Record<string, Record<string, number>>);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([h]) => h.length));
  return [
    'RECAP',
    ...entries.map(
      ([host, s]) =>
        `  ${host.padEnd(width)}  ok=${s.ok ?? 0} changed=${s.changed ?? 0} unreachable=${s.unreachable ?? 0} failed=${s.failures ?? 0} skipped=${s.skipped ?? 0} rescued=${s.rescued ?? 0} ignored=${s.ignored ?? 0}`,
    ),
  ];
}

/** The last lines: the outcome and the hosts that failed (the reason is on the status line above). */
export function summaryLines(execution: ExecutionDocument): string[] {
  const lines = [`Result: ${execution.status}`];
  if (execution.failed_hosts && execution.failed_hosts.length > 0) lines.push(`Failed hosts: ${execution.failed_hosts.join(', ')}`);
  return [...lines, ...artifactLines(execution.artifacts, 'Artifacts:')];
}

/** What the playbook published with set_stats, under `heading`: the aggregate, then each host's, as compact JSON. */
export function artifactLines(artifacts: ExecutionDocument['artifacts'], heading: string): string[] {
  if (!artifacts) return [];
  if (artifacts.omitted) return [`${heading} ${artifacts.omitted}`];
  const lines = [
    ...(Object.keys(artifacts.run ?? {}).length ? [`  run: ${JSON.stringify(artifacts.run)}`] : []),
    ...Object.entries(artifacts.hosts ?? {}).map(([host, data]) => `  ${host}: ${JSON.stringify(data)}`),
  ];
  return lines.length ? [heading, ...lines] : [];
}
