import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { CHANNELS, ExecutionReads, PgListener, StatusRecordRepository } from '@app/database';
import { StatusRecordDocument, toRecordDocument } from '@app/realtime';
import { ExecutionScope, Subscriber } from './subscriber';

const READ_BATCH = 500;
const SCOPE_CACHE = 5000;

/**
 * Routes stored records to this node's subscribers. Workers NOTIFY after each committed batch;
 * every api node LISTENs and reads the new records from Postgres, so any node can serve any
 * subscriber with no other bus (rows are the truth, and a missed notification only delays).
 */
@Injectable()
export class RecordFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly subscribers = new Set<Subscriber>();
  readonly readLimit = READ_BATCH;
  private readonly scopes = new Map<string, ExecutionScope>();
  private listener?: PgListener;
  private sweep?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly executions: ExecutionReads,
    private readonly records: StatusRecordRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new PgListener(
      this.config.databaseUrl!,
      [CHANNELS.records],
      (_channel, payload) => void this.announce(payload.split(':')[0]),
      (error) => this.logger.write('warn', 'record listener reconnecting', { error: error.message }),
    );
    await this.listener.start();
    // The fallback for notifications lost while the listener reconnected.
    this.sweep = setInterval(() => void this.catchUpAll(), 2000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    await this.listener?.stop();
  }

  async scope(executionId: string): Promise<ExecutionScope | null> {
    const cached = this.scopes.get(executionId);
    if (cached) return cached;
    const scope = await this.executions.scope(executionId);
    if (!scope) return null;
    if (this.scopes.size >= SCOPE_CACHE) this.scopes.delete(this.scopes.keys().next().value!);
    this.scopes.set(executionId, scope);
    return scope;
  }

  read = async (executionId: string, afterCounter: number): Promise<StatusRecordDocument[]> => {
    const scope = await this.scope(executionId);
    if (!scope) return [];
    const rows = await this.records.after(executionId, afterCounter, READ_BATCH);
    return rows.map((r) => toRecordDocument(r, scope.accountAlias));
  };

  /** New records of an execution were stored: every subscriber that covers it catches up. */
  async announce(executionId: string): Promise<void> {
    if (!this.subscribers.size) return;
    try {
      const scope = await this.scope(executionId);
      if (!scope) return;
      await Promise.all([...this.subscribers].filter((s) => s.covers(executionId, scope)).map((s) => s.catchUp(executionId, scope)));
    } catch (error) {
      this.logger.write('warn', 'could not deliver records', { executionId, error: (error as Error).message });
    }
  }

  /** Runs that ended are left out: a restart's records are announced like any others. */
  private async catchUpAll(): Promise<void> {
    const executions = new Set<string>();
    for (const subscriber of this.subscribers) for (const id of subscriber.unfinishedExecutions()) executions.add(id);
    for (const id of executions) await this.announce(id);
  }
}
