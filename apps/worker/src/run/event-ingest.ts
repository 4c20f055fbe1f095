import { AnsibleEvent, cutLineBytes, LineSplitter, parseEventLine, summarizeStats } from '@app/ansible';
import type { ExecutionArtifacts, NewStatusRecord } from '@app/database';
import type { Clock, LineMasker } from '@app/domain';
import type { RecordWriter } from './record-writer';
import { runArtifacts } from './run-artifacts';
import type { RunStats } from './run-outcome';
import type { RunSecrets } from './run-secrets';

/**
 * What ansible-playbook prints, on its way to the run's records: the transcript line by line and
 * the callback plugin's events (parsed, masked, turned into records), and what they say about the
 * run's end (its stats, each failed host's reason, Ansible's own fatal error).
 */
export class EventIngest {
  private readonly output: LineSplitter;
  private readonly events: LineSplitter;
  /** The transcript's masker: base64 wrapped across lines is masked too (LineMasker). */
  private transcript?: LineMasker;
  private readonly failures = new Map<string, string>();
  /** Ansible's own fatal error (a playbook it refused), kept from the transcript for the reason. */
  private fatalError?: string;
  stats?: RunStats;
  /** The run's set_stats data (runArtifacts), once its stats event came. */
  artifacts?: ExecutionArtifacts;

  constructor(
    private readonly writer: RecordWriter,
    private readonly secrets: RunSecrets,
    private readonly limits: { maxLineKb: number; maxArtifactsKb: number },
    private readonly clock: Clock,
  ) {
    const { maxLineKb } = limits;
    // A run's lines are cut at RUNNER_MAX_LINE_KB (its events at 8 times that): the worker holds
    // a partial line in memory, outside the run's own memory limit.
    this.output = new LineSplitter(maxLineKb * 1024);
    this.events = new LineSplitter(maxLineKb * 8 * 1024);
  }

  outputChunk(chunk: Buffer): void {
    for (const line of this.output.push(chunk)) this.line(line);
  }

  eventChunk(chunk: Buffer): void {
    for (const line of this.events.push(chunk)) this.event(line);
  }

  /** The process ended: what is left of a last line without its newline. */
  end(): void {
    for (const line of this.output.flush()) this.line(line);
    for (const line of this.events.flush()) this.event(line);
  }

  /** Why a run that ended FAILURE failed, from what it printed (undefined: nothing said why). */
  failureReason(): string | undefined {
    return [...this.failures.values()].join('; ') || this.fatalError;
  }

  private line(line: string): void {
    // Built at the first line: preparation has added every secret by then.
    this.transcript ??= this.secrets.masker.lines();
    const masked = this.transcript.line(line);
    if (!this.fatalError && /^\s*(\[ERROR\]:|ERROR!)/.test(masked)) this.fatalError = masked.trim();
    this.writer.output(masked);
  }

  private event(line: string): void {
    const parsed = parseEventLine(line);
    if (!parsed) {
      const bytes = cutLineBytes(line);
      if (bytes !== null) this.line(`[automation-runner] an Ansible event of ${bytes} bytes was left out: over ${this.limits.maxLineKb * 8} KiB (8 × RUNNER_MAX_LINE_KB)`);
      return;
    }
    // Masked before anything reads it: failure reasons are built from these messages.
    const event = this.secrets.masker.deep(parsed);
    if (event.event === 'playbook_on_stats') {
      this.stats = summarizeStats(event);
      this.artifacts = runArtifacts(event, this.limits.maxArtifactsKb) ?? this.artifacts;
    }
    if ((event.failed && !event.event_data?.ignore_errors) || event.event === 'runner_on_unreachable') this.noteFailure(event);
    this.writer.record(toRecord(event, this.clock), line.length);
  }

  private noteFailure(event: AnsibleEvent): void {
    if (!event.host) return;
    const message = event.message ?? '';
    const hostKey = /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(message + (event.stdout ?? ''));
    this.failures.set(
      event.host,
      hostKey
        ? `the SSH host key of ${event.host} differs from the one first seen for this account; refusing to connect`
        : event.event === 'runner_on_unreachable'
          ? `${event.host} unreachable: ${message}`
          : `${event.host} failed at task '${event.task ?? '?'}': ${message}`,
    );
  }
}

/** An event as a record; stamped now when its own timestamp is unreadable. */
function toRecord(event: AnsibleEvent, clock: Clock): NewStatusRecord {
  const timestamp = new Date(event.timestamp);
  return {
    timestamp: Number.isNaN(timestamp.getTime()) ? clock.now() : timestamp,
    uuid: event.uuid,
    parentUuid: event.parent_uuid,
    eventType: event.event,
    host: event.host,
    play: event.play,
    task: event.task,
    failed: event.failed,
    changed: event.changed,
    message: event.message,
    stdout: event.stdout,
    eventData: event.event_data,
  };
}
