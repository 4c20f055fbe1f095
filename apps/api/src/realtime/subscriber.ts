import type { Socket } from 'socket.io';
import { ExecutionStatus, isTerminal } from '@app/domain';
import type { StatusRecordDocument } from '@app/realtime';

/** What a socket asked for; records of an execution reach it if any subscription covers it. */
export interface Subscription {
  key: string;
  accountId: string;
  accountPath: string;
  jobId?: string;
  executionId?: string;
  /** An alias subscription of a run's token: that account's runs only, not its sub-accounts' (tokenCovers). */
  onlyAccount?: boolean;
  /** Job and alias subscriptions stream runs under way at this moment and those created after it. */
  since: number;
}

export interface ExecutionScope {
  createdAt: number;
  jobId: string;
  accountId: string;
  accountPath: string;
  accountAlias: string;
}

/** Beyond this many packets waiting for a slow client we stop writing and resume on 'drain'. */
export const MAX_BUFFERED_PACKETS = 1000;

/**
 * One connected client. Per execution it remembers the last counter sent, and all sending for an
 * execution goes through one promise chain, so records leave in counter order, without gaps or
 * duplicates, whether they come from the replay or the live stream.
 */
export class Subscriber {
  readonly subscriptions = new Map<string, Subscription>();
  private readonly sent = new Map<string, number>();
  /** Executions whose last status sent is terminal: they need no catching up until a restart announces itself. */
  private readonly finished = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();
  private waitingForDrain = false;
  private readonly stalled = new Map<string, ExecutionScope>();

  constructor(
    readonly socket: Socket,
    private readonly read: (executionId: string, afterCounter: number) => Promise<StatusRecordDocument[]>,
    /** The most records one read returns. */
    private readonly readLimit: number,
  ) {}

  covers(executionId: string, scope: ExecutionScope): boolean {
    for (const s of this.subscriptions.values()) {
      if (s.executionId === executionId) return true;
      if (s.executionId) continue;
      const current = this.sent.has(executionId) || scope.createdAt >= s.since;
      const inAccount = s.onlyAccount ? scope.accountId === s.accountId : scope.accountPath.startsWith(s.accountPath);
      if (current && (s.jobId ? s.jobId === scope.jobId : inAccount)) return true;
    }
    return false;
  }

  /** Executions this client has been sent records of, or is due to get, that have not ended. */
  unfinishedExecutions(): string[] {
    const ids = new Set(this.sent.keys());
    for (const s of this.subscriptions.values()) if (s.executionId) ids.add(s.executionId);
    for (const id of this.finished) ids.delete(id);
    return [...ids];
  }

  /** Where sending starts for an execution, unless it already started (then it goes on). */
  startAt(executionId: string, counter: number): void {
    if (!this.sent.has(executionId)) this.sent.set(executionId, counter);
  }

  /** Sends what this client has not had yet of the execution, in order. */
  catchUp(executionId: string, scope: ExecutionScope): Promise<void> {
    const next = (this.chains.get(executionId) ?? Promise.resolve()).then(() => this.drainExecution(executionId, scope));
    this.chains.set(executionId, next.catch(() => undefined));
    return next;
  }

  private async drainExecution(executionId: string, scope: ExecutionScope): Promise<void> {
    for (;;) {
      if (!this.socket.connected || !this.covers(executionId, scope)) return;
      if (this.buffered() > MAX_BUFFERED_PACKETS) return this.stall(executionId, scope);
      // An execution first seen live (job or alias subscription) starts at its beginning.
      const from = this.sent.get(executionId) ?? 0;
      const records = await this.read(executionId, from);
      if (!records.length) return;
      for (const record of records) {
        this.socket.emit('status', record);
        if (record.event_type === 'execution_status') {
          if (isTerminal(record.event_data?.status as ExecutionStatus)) this.finished.add(executionId);
          else this.finished.delete(executionId);
        }
      }
      this.sent.set(executionId, records[records.length - 1].counter);
      // A short read was everything stored so far; whatever is stored next is announced (NOTIFY).
      if (records.length < this.readLimit) return;
    }
  }

  /** Packets engine.io holds for this client that it has not written to the wire yet. */
  private buffered(): number {
    return (this.socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
  }

  /** A slow client: stop writing (bounded server memory) and resume from the stored records once it drained. */
  private stall(executionId: string, scope: ExecutionScope): void {
    this.stalled.set(executionId, scope);
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    this.socket.conn.once('drain', () => {
      this.waitingForDrain = false;
      const pending = [...this.stalled];
      this.stalled.clear();
      for (const [id, stalledScope] of pending) void this.catchUp(id, stalledScope);
    });
  }
}
