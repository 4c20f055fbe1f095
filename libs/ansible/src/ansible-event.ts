/**
 * The machine-readable event stream of a playbook run: one JSON object per line, written by the
 * callback plugin `plugin/callbacks/runner_events.py` to the file descriptor named by RUNNER_EVENT_FD.
 */

/** One line of the stream. `event` is Ansible's callback name without `v2_` (e.g. `runner_on_ok`). */
export interface AnsibleEvent {
  event: string;
  uuid: string | null;
  parent_uuid: string | null;
  host: string | null;
  play: string | null;
  task: string | null;
  failed: boolean;
  changed: boolean;
  message: string | null;
  stdout: string | null;
  event_data: Record<string, unknown>;
  timestamp: string;
}

/** Per-host counters of the PLAY RECAP (`playbook_on_stats`). */
export interface HostSummary {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const HOST_SUMMARY_KEYS: readonly (keyof HostSummary)[] = [
  'ok',
  'changed',
  'failures',
  'unreachable',
  'skipped',
  'rescued',
  'ignored',
];

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** What a cut line ends with: the bytes it had in all. */
const CUT = / \[… line cut: (\d+) bytes in all\]$/;

/** The length a line had before LineSplitter cut it, or null for a whole line. */
export function cutLineBytes(line: string): number | null {
  const match = CUT.exec(line);
  return match ? Number(match[1]) : null;
}

/**
 * Splits a stream of bytes into complete lines; keeps the partial tail.
 *
 * Splits on bytes and decodes each complete line as UTF-8, so a multi-byte character split across
 * chunks is never mangled. Lines are returned without their `\n` (and without a trailing `\r`);
 * empty lines are returned as ''. A line longer than `maxBytes` keeps its first `maxBytes` and says
 * how long it was (cutLineBytes): a run printing gigabytes without a newline must not hold them
 * in the worker's memory.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cut = 0;

  constructor(private readonly maxBytes = Number.MAX_SAFE_INTEGER) {}

  push(chunk: Buffer | string): string[] {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end === -1) break;
      this.keep(buffer.subarray(start, end), false);
      lines.push(this.take());
      start = end + 1;
    }
    // Copied: the caller may reuse its buffer after push() returns.
    if (start < buffer.length) this.keep(buffer.subarray(start), true);
    return lines;
  }

  /** Returns the unterminated tail (at most one line) and resets the splitter. */
  flush(): string[] {
    return this.pendingBytes > 0 || this.cut > 0 ? [this.take()] : [];
  }

  private keep(piece: Buffer, copy: boolean): void {
    const kept = piece.subarray(0, Math.max(0, this.maxBytes - this.pendingBytes));
    this.cut += piece.length - kept.length;
    if (kept.length === 0) return;
    this.pending.push(copy ? Buffer.from(kept) : kept);
    this.pendingBytes += kept.length;
  }

  private take(): string {
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const line = this.cut > 0 ? `${bytes.toString('utf8')} [… line cut: ${bytes.length + this.cut} bytes in all]` : decodeLine(bytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.cut = 0;
    return line;
  }
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Parses one JSON line from the plugin; returns null (never throws) for a malformed line.
 *
 * A line is malformed when it is not a JSON object or has no non-empty string `event`. Other fields
 * are normalised: wrong-typed strings become null, `failed`/`changed` are true only when literally
 * true, a non-object `event_data` becomes {}, and a missing `timestamp` becomes the time of parsing.
 */
export function parseEventLine(line: string): AnsibleEvent | null {
  const text = line.trim();
  if (text === '' || text[0] !== '{') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(value)) return null;
  const event = value['event'];
  if (typeof event !== 'string' || event === '') return null;
  const timestamp = value['timestamp'];
  const eventData = value['event_data'];
  return {
    event,
    uuid: stringOrNull(value['uuid']),
    parent_uuid: stringOrNull(value['parent_uuid']),
    host: stringOrNull(value['host']),
    play: stringOrNull(value['play']),
    task: stringOrNull(value['task']),
    failed: value['failed'] === true,
    changed: value['changed'] === true,
    message: stringOrNull(value['message']),
    stdout: stringOrNull(value['stdout']),
    event_data: isPlainObject(eventData) ? eventData : {},
    timestamp: typeof timestamp === 'string' && timestamp !== '' ? timestamp : new Date().toISOString(),
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * From a playbook_on_stats event: per-host summaries, and failed hosts (failures>0 or unreachable>0),
 * sorted. Missing or malformed counters count as 0; an event without `event_data.hosts` gives no hosts.
 */
export function summarizeStats(event: AnsibleEvent): {
  hostSummaries: Record<string, HostSummary>;
  failedHosts: string[];
} {
  const hosts = isPlainObject(event.event_data) ? event.event_data['hosts'] : undefined;
  const entries: [string, HostSummary][] = [];
  if (isPlainObject(hosts)) {
    for (const [host, raw] of Object.entries(hosts)) {
      const counters = isPlainObject(raw) ? raw : {};
      const summary = {} as HostSummary;
      for (const key of HOST_SUMMARY_KEYS) summary[key] = count(counters[key]);
      entries.push([host, summary]);
    }
  }
  const failedHosts = entries
    .filter(([, summary]) => summary.failures > 0 || summary.unreachable > 0)
    .map(([host]) => host)
    .sort();
  // fromEntries defines own properties, so a host named "__proto__" stays an ordinary key.
  return { hostSummaries: Object.fromEntries(entries), failedHosts };
}
