import { Execution, ExecutionRepository, isDatabaseUnavailable, NewStatusRecord } from '@app/database';

const MAX_BATCH = 500;
const FLUSH_MS = 50;

/**
 * Buffers a run's records and transcript lines and stores them in batches (persist, then
 * announce: the repository notifies after each committed batch). Flushes are sequential, so
 * counters stay in order; a fenced-out write (the lease was lost) calls `onFenced` and drops the rest.
 */
export class RecordWriter {
  private records: NewStatusRecord[] = [];
  private lines: string[] = [];
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private fenced = false;

  constructor(
    private readonly repository: ExecutionRepository,
    private readonly execution: Pick<Execution, 'id' | 'jobId' | 'accountId' | 'attempt'>,
    private readonly onFenced: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  record(record: NewStatusRecord): void {
    if (this.fenced) return;
    this.records.push(record);
    this.schedule(this.records.length >= MAX_BATCH);
  }

  output(line: string): void {
    if (this.fenced) return;
    this.lines.push(line);
    this.schedule(this.lines.length >= MAX_BATCH * 4);
  }

  /** Everything buffered so far is stored when this resolves. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.records.splice(0);
    const lines = this.lines.splice(0);
    this.chain = this.chain.then(() => this.store(records, lines));
    return this.chain;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  private schedule(now: boolean): void {
    if (now) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private async store(records: NewStatusRecord[], lines: string[]): Promise<void> {
    if (this.fenced || (!records.length && !lines.length)) return;
    // A database outage must not lose records: retry with backoff while the lease may still be ours.
    for (let attempt = 0; ; attempt++) {
      try {
        if (!(await this.repository.appendBatch(this.execution, this.execution.attempt, records, lines))) {
          this.fenced = true;
          this.onFenced();
        }
        return;
      } catch (error) {
        // Only an unreachable database is worth waiting for; anything else will not get better.
        if (attempt >= 30 || !isDatabaseUnavailable(error)) {
          this.onError(error as Error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 2000)));
      }
    }
  }
}
