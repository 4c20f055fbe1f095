import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { canTransition, Clock, conflict, ExecutionStatus, isTerminal, notifyOutcome, QUEUED_STATUS } from '@app/domain';
import { revokeRunTokens } from './auth-token.repository';
import { queueRunNotices } from './notify.repository';
import { Execution, ExecutionTimer, NewStatusRecord } from './entities';
import { rowToEntity, runPrepared, updateRow } from './prepared';
import { CHANNELS, statusRecord, storeRecords } from './record-log';

/** What a change to an execution row does, decided while the row is locked. */
export interface ExecutionChange {
  status?: ExecutionStatus;
  set?: Partial<Omit<Execution, 'id' | 'status' | 'lastCounter'>>;
  /** Records to append after the status record (e.g. playbook_result). */
  records?: NewStatusRecord[];
  notify?: keyof typeof CHANNELS;
}

/**
 * The fenced status writer: the only code that queues a run or changes its status, for the api
 * (start, stop, kill, restart), the scheduler, the worker's runs and the reaper alike. A claim is
 * the queue's (execution-queue.ts); records between status changes are the record log's.
 */
@Injectable()
export class ExecutionWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs of the account waiting in the queue: what a start, a restart and a schedule check against
   * RUNNER_ACCOUNT_MAX_QUEUED just before they enqueue (account_queues: one row, at any depth).
   */
  async countQueued(accountId: string): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT pending FROM account_queues WHERE account_id = $1`, [accountId]);
    return row?.pending ?? 0;
  }

  /**
   * Queues a new execution in one statement (atomic on its own, or part of `within`): the row, with
   * its PENDING record's counter already taken, the record, and a wake-up for workers. The stored
   * row is what was written.
   */
  async enqueue(execution: Execution, within?: EntityManager): Promise<Execution> {
    const queued: Execution = { ...execution, lastCounter: 1 };
    await storeRecords(within ?? this.dataSource.manager, queued, 1, [statusRecord(QUEUED_STATUS, this.clock.now())], {
      newRow: queued,
      alsoNotify: [CHANNELS.queue, queued.id],
    });
    return queued;
  }

  /**
   * The one way to change an execution row: lock it, check the fence (the attempt a worker claimed,
   * when given), let `decide` choose the change, check the transition, write the row, its
   * `execution_status` record and any others, all in one transaction. Returns null when fenced out.
   */
  async change(
    id: string,
    fence: number | undefined,
    decide: (current: Execution) => ExecutionChange | null,
    within?: EntityManager,
  ): Promise<Execution | null> {
    return this.inTransaction(within, async (em) => {
      const [row] = await runPrepared<Record<string, unknown>>(em, 'SELECT * FROM executions WHERE id = $1 FOR UPDATE', [id]);
      const current = row ? rowToEntity(em, Execution, row) : null;
      if (!current || (fence !== undefined && current.attempt !== fence)) return null;
      const change = decide(current);
      if (!change) return current;
      const now = this.clock.now();
      const records = [...(change.status ? [statusRecord(change.status, now, change.set?.reason)] : []), ...(change.records ?? [])];
      // The row is locked: its counters are taken here, in the same UPDATE, and the row as written is returned.
      const set: Partial<Execution> = { ...change.set, updatedAt: now, lastCounter: current.lastCounter + records.length };
      if (change.status) {
        if (!canTransition(current.status, change.status)) {
          throw conflict(`Execution ${id} is ${current.status}; it cannot become ${change.status}`);
        }
        set.status = change.status;
        if (isTerminal(change.status)) {
          set.owner = null;
          set.leaseExpiresAt = null;
          set.timers = closeLastTimer(change.set?.timers ?? current.timers, now);
          // The run's token ends with the run, whoever ends it (its worker, a stop, the reaper's
          // "runner lost"): in this transaction, so no request with it succeeds after the end is stored.
          await revokeRunTokens(em, id, now);
        }
      }
      // Properties left undefined are left as they are, in the row and in what is returned.
      for (const key of Object.keys(set) as (keyof Execution)[]) if (set[key] === undefined) delete set[key];
      await updateRow(em, Execution, id, set);
      const notify = change.notify ? ([CHANNELS[change.notify], id] as const) : undefined;
      if (records.length) await storeRecords(em, current, current.lastCounter + 1, records, { alsoNotify: notify });
      else if (notify) await em.query(`SELECT pg_notify($1, $2)`, notify);
      // The run's e-mail and chat notices, keyed to its terminal status record (the first of `records`).
      if (change.status && isTerminal(change.status)) {
        await queueRunNotices(em, id, current.lastCounter + 1, notifyOutcome(change.status));
      }
      return { ...current, ...set };
    });
  }

  private inTransaction<T>(within: EntityManager | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return within ? work(within) : this.dataSource.transaction(work);
  }
}

function closeLastTimer(timers: ExecutionTimer[], now: Date): ExecutionTimer[] {
  if (!timers.length) return timers;
  const last = timers[timers.length - 1];
  return last.end === null ? [...timers.slice(0, -1), { ...last, end: now.getTime() }] : timers;
}
