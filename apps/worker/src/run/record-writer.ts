import { Execution, NewStatusRecord, RecordLog } from '@app/database';
import type { Clock } from '@app/domain';
import { rideOutOutage } from './ride-out';

const MAX_BATCH = 500;
const FLUSH_MS = 50;
/** A batch is sent once it holds this much text, however few lines (a line may be 1 MiB). */
const MAX_BATCH_CHARS = 4 * 1024 * 1024;
/**
 * Text (transcript lines and events) one run may hold in memory unstored before its source is
 * paused: lines of up to RUNNER_MAX_LINE_KB, events of 8 times that, are otherwise held by count.
 */
export const BUFFER_CHARS = 64 * 1024 * 1024;

export interface RecordWriterOptions {
  /** How long to keep retrying while the database is unreachable (RUNNER_DB_OUTAGE_SECONDS). */
  outageSeconds: number;
  /** Whose time the outage is measured on. */
  clock: Clock;
  /** Records held in memory before `onBackpressure(true)` asks the caller to pause its source. */
  bufferLimit: number;
  onFenced: () => void;
  onError: (error: Error) => void;
  onBackpressure: (paused: boolean) => void;
  onWaiting: (error: Error) => void;
}

/**
 * Buffers a run's records and transcript lines and stores them in batches (persist, then
 * announce: the repository notifies after each committed batch). Flushes are sequential, so
 * counters stay in order; a fenced-out write (the lease was lost) calls `onFenced` and drops the
 * rest. While the database is unreachable, batches wait in order and are stored when it is back;
 * the buffer is bounded: above `bufferLimit` records, or BUFFER_CHARS of text (lines and events
 * alike), the source is paused until half of both drained.
 */
export class RecordWriter {
  private records: NewStatusRecord[] = [];
  private lines: string[] = [];
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private fenced = false;
  /** Records accepted and not yet stored (buffered or in a waiting batch). */
  private unstored = 0;
  /** Characters of text accepted and not yet stored, lines and records alike. */
  private unstoredChars = 0;
  /** Characters in the batch being filled. */
  private batchChars = 0;
  private paused = false;

  constructor(
    private readonly log: Pick<RecordLog, 'appendBatch'>,
    private readonly execution: Pick<Execution, 'id' | 'jobId' | 'accountId' | 'attempt'>,
    private readonly options: RecordWriterOptions,
  ) {}

  /** `chars`: the size of the event line the record came from. */
  record(record: NewStatusRecord, chars = 0): void {
    if (this.fenced) return;
    this.records.push(record);
    this.unstored++;
    this.hold(chars);
    this.schedule(this.records.length >= MAX_BATCH || this.batchChars >= MAX_BATCH_CHARS);
  }

  output(line: string): void {
    if (this.fenced) return;
    this.lines.push(line);
    this.hold(line.length);
    this.schedule(this.lines.length >= MAX_BATCH * 4 || this.batchChars >= MAX_BATCH_CHARS);
  }

  private hold(chars: number): void {
    this.unstoredChars += chars;
    this.batchChars += chars;
    if (!this.paused && (this.unstored >= this.options.bufferLimit || this.unstoredChars >= BUFFER_CHARS)) this.setPaused(true);
  }

  /** Everything buffered so far is stored when this resolves. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.records.splice(0);
    const lines = this.lines.splice(0);
    const chars = this.batchChars;
    this.batchChars = 0;
    this.chain = this.chain.then(() => this.store(records, lines, chars));
    return this.chain;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  private schedule(now: boolean): void {
    if (now) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.options.onBackpressure(paused);
  }

  private async store(records: NewStatusRecord[], lines: string[], chars: number): Promise<void> {
    if (this.fenced || (!records.length && !lines.length)) return;
    try {
      const stored = await rideOutOutage(
        () => this.log.appendBatch(this.execution, this.execution.attempt, records, lines),
        this.options,
      );
      if (!stored) {
        this.fenced = true;
        this.options.onFenced();
      }
    } catch (error) {
      this.options.onError(error as Error);
    } finally {
      this.unstored -= records.length;
      this.unstoredChars -= chars;
      if (this.paused && this.unstored <= this.options.bufferLimit / 2 && this.unstoredChars <= BUFFER_CHARS / 2) this.setPaused(false);
    }
  }
}
