/**
 * Puts status records from two sources (the socket.io stream and REST catch-up reads) back into
 * one sequence by `counter` (1, 2, 3… per execution, no gaps): a record seen before is dropped,
 * one that arrives early waits until the records before it are in, so a reconnect or an overlap
 * between the sources never loses, repeats or reorders a record.
 */
export class RecordSequencer<R extends { counter: number }> {
  private readonly early = new Map<number, R>();

  /** `after`: the last counter already handled (0 = none). */
  constructor(private after = 0) {}

  /** The last counter delivered in order: resume from here (afterCounter). */
  get last(): number {
    return this.after;
  }

  /** True when a record is waiting for earlier ones: the caller should read the gap over REST. */
  get hasGap(): boolean {
    return this.early.size > 0;
  }

  /** Returns the records that are now next in order (possibly none). */
  push(record: R): R[] {
    if (!Number.isInteger(record.counter) || record.counter <= this.after) return [];
    this.early.set(record.counter, record);
    const ready: R[] = [];
    for (let next = this.early.get(this.after + 1); next; next = this.early.get(this.after + 1)) {
      this.early.delete(next.counter);
      this.after = next.counter;
      ready.push(next);
    }
    return ready;
  }
}
