import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { ACTIVE_STATUSES, canTransition, conflict, ExecutionStatus, notifyOutcome, RUN_DURATION_BUCKETS_SECONDS, TERMINAL_STATUSES } from '@app/domain';
import { revokeRunTokens } from './auth-token.repository';
import { queueRunNotices } from './notify.repository';
import { Execution, ExecutionTimer, NewStatusRecord } from './entities';
import { entityToRow, rowToEntity, runPrepared, updateRow } from './prepared';
import { OWNED_SQL, ACTIVE_SQL } from './status-sql';

/** NOTIFY channels: a new queue item, a stop/kill request, records stored (payload: execution id). */
export const CHANNELS = { queue: 'runner_queue', control: 'runner_control', records: 'runner_records' } as const;

/**
 * What a list of runs may be narrowed to. `from`/`to` bound when the run was created (both
 * inclusive): the order of the list, and served by the same (job|account, created_at) indexes.
 */
export interface ExecutionListFilter {
  status?: ExecutionStatus;
  jobId?: string;
  from?: Date;
  to?: Date;
}

function narrowed(query: SelectQueryBuilder<Execution>, filter: ExecutionListFilter): SelectQueryBuilder<Execution> {
  if (filter.status !== undefined) query.andWhere('e.status = :status', { status: filter.status });
  if (filter.jobId !== undefined) query.andWhere('e.job_id = :jobId', { jobId: filter.jobId });
  if (filter.from !== undefined) query.andWhere('e.created_at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('e.created_at <= :to', { to: filter.to });
  return query;
}

function newestFirst(query: SelectQueryBuilder<Execution>, page: number, size: number): Promise<[Execution[], number]> {
  return query.orderBy('e.createdAt', 'DESC').addOrderBy('e.id', 'DESC').offset(page * size).limit(size).getManyAndCount();
}

/** What a change to an execution row does, decided while the row is locked. */
export interface ExecutionChange {
  status?: ExecutionStatus;
  set?: Partial<Omit<Execution, 'id' | 'status' | 'lastCounter'>>;
  /** Records to append after the status record (e.g. playbook_result). */
  records?: NewStatusRecord[];
  notify?: keyof typeof CHANNELS;
}

export function statusRecord(status: ExecutionStatus, reason?: string | null): NewStatusRecord {
  return {
    timestamp: new Date(),
    uuid: null,
    parentUuid: null,
    eventType: 'execution_status',
    host: null,
    play: null,
    task: null,
    failed: ['FAILURE', 'INIT_FAILURE', 'KILLED'].includes(status),
    changed: false,
    message: reason ? `${status}: ${reason}` : status,
    stdout: null,
    eventData: reason ? { status, reason } : { status },
  };
}

const TERMINAL_TIMER_STATUSES: readonly ExecutionStatus[] = ['SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED'];

@Injectable()
export class ExecutionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Queues a new execution in one statement (atomic on its own, or part of `within`): the row, with
   * its PENDING record's counter already taken, the record, and a wake-up for workers. The stored
   * row is what was written.
   */
  async enqueue(execution: Execution, within?: EntityManager): Promise<Execution> {
    const queued: Execution = { ...execution, lastCounter: 1 };
    await this.storeRecords(within ?? this.dataSource.manager, queued, 1, [statusRecord('PENDING')], {
      newRow: queued,
      alsoNotify: [CHANNELS.queue, queued.id],
    });
    return queued;
  }

  private inTransaction<T>(within: EntityManager | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return within ? work(within) : this.dataSource.transaction(work);
  }

  /** Runs of the account waiting in the queue. */
  async countQueued(accountId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM executions WHERE account_id = $1 AND status = 'PENDING'`, [accountId]);
    return n;
  }

  findInJob(jobId: string, id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ jobId, id });
  }

  findById(id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ id });
  }

  /** executions_job_idx / executions_account_idx: newest first. */
  page(where: { jobId?: string; accountId?: string } & ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    const query = this.dataSource.getRepository(Execution).createQueryBuilder('e');
    if (where.accountId !== undefined) query.andWhere('e.account_id = :accountId', { accountId: where.accountId });
    return newestFirst(narrowed(query, where), page, size);
  }

  /**
   * The runs of the account at `accountPath` and of every account below it, newest first. starts_with,
   * not LIKE: a path is compared as text, with no character in it read as a wildcard.
   */
  pageInTree(accountPath: string, filter: ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    const query = this.dataSource
      .getRepository(Execution)
      .createQueryBuilder('e')
      .innerJoin('accounts', 'a', 'a.id = e.account_id')
      .where('starts_with(a.path, :path)', { path: accountPath });
    return newestFirst(narrowed(query, filter), page, size);
  }

  /** Where an execution lives, for routing its records to subscribers. */
  async scope(id: string): Promise<{ createdAt: number; jobId: string; accountId: string; accountPath: string; accountAlias: string } | null> {
    const [row] = await this.dataSource.query(
      `SELECT (extract(epoch from e.created_at) * 1000)::float8 AS "createdAt", e.job_id AS "jobId", e.account_id AS "accountId", a.path AS "accountPath", a.alias AS "accountAlias"
         FROM executions e JOIN accounts a ON a.id = e.account_id WHERE e.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Counters reached by the active executions in a scope (a subscription's starting point). */
  async activeCounters(where: { jobId?: string; accountPath?: string }): Promise<{ id: string; lastCounter: number }[]> {
    return this.dataSource.query(
      `SELECT e.id, e.last_counter AS "lastCounter" FROM executions e JOIN accounts a ON a.id = e.account_id
        WHERE e.status IN ${ACTIVE_SQL}
          AND ($1::uuid IS NULL OR e.job_id = $1) AND ($2::text IS NULL OR a.path LIKE $2 || '%')`,
      [where.jobId ?? null, where.accountPath ?? null],
    );
  }

  activeForJob(jobId: string): Promise<Execution[]> {
    return this.dataSource.getRepository(Execution).findBy({ jobId, status: In([...ACTIVE_STATUSES]) });
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
      const records = [...(change.status ? [statusRecord(change.status, change.set?.reason)] : []), ...(change.records ?? [])];
      // The row is locked: its counters are taken here, in the same UPDATE, and the row as written is returned.
      const set: Partial<Execution> = { ...change.set, updatedAt: new Date(), lastCounter: current.lastCounter + records.length };
      if (change.status) {
        if (!canTransition(current.status, change.status)) {
          throw conflict(`Execution ${id} is ${current.status}; it cannot become ${change.status}`);
        }
        set.status = change.status;
        if (TERMINAL_TIMER_STATUSES.includes(change.status)) {
          set.owner = null;
          set.leaseExpiresAt = null;
          set.timers = closeLastTimer(change.set?.timers ?? current.timers);
          // The run's token ends with the run, whoever ends it (its worker, a stop, the reaper's
          // "runner lost"): in this transaction, so no request with it succeeds after the end is stored.
          await revokeRunTokens(em, id, new Date());
        }
      }
      // Properties left undefined are left as they are, in the row and in what is returned.
      for (const key of Object.keys(set) as (keyof Execution)[]) if (set[key] === undefined) delete set[key];
      await updateRow(em, Execution, id, set);
      const notify = change.notify ? ([CHANNELS[change.notify], id] as const) : undefined;
      if (records.length) await this.storeRecords(em, current, current.lastCounter + 1, records, { alsoNotify: notify });
      else if (notify) await em.query(`SELECT pg_notify($1, $2)`, notify);
      // The run's e-mail and chat notices, keyed to its terminal status record (the first of `records`).
      if (change.status && TERMINAL_TIMER_STATUSES.includes(change.status)) {
        await queueRunNotices(em, id, current.lastCounter + 1, notifyOutcome(change.status));
      }
      return { ...current, ...set };
    });
  }

  /**
   * Appends a batch of records (next counters) and transcript lines in one transaction. One UPDATE
   * takes the row lock (so counters never collide with another writer), checks `fence` (the
   * attempt) and reserves the batch's line numbers and counters; nothing is written unless the
   * fence still matches. Returns false when fenced out.
   */
  async appendBatch(
    execution: Pick<Execution, 'id' | 'jobId' | 'accountId'>,
    fence: number,
    records: NewStatusRecord[],
    lines: string[],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [taken] = await runPrepared<{ output_lines: number; last_counter: number }>(
        em,
        `UPDATE executions SET output_lines = output_lines + $3, last_counter = last_counter + $4
          WHERE id = $1 AND attempt = $2 RETURNING output_lines, last_counter`,
        [execution.id, fence, lines.length, records.length],
      );
      if (!taken) return false;
      if (lines.length) {
        await runPrepared(em, `INSERT INTO execution_output (execution_id, first_line, line_count, text) VALUES ($1, $2, $3, $4)`, [
          execution.id,
          taken.output_lines - lines.length + 1,
          lines.length,
          lines.join('\n').replace(/\u0000/g, ''),
        ]);
      }
      if (records.length) await this.storeRecords(em, execution, taken.last_counter - records.length + 1, records);
      return true;
    });
  }

  /** Transcript lines [start, end] (1-based, inclusive). */
  async readOutput(executionId: string, start: number, end: number): Promise<string[]> {
    const chunks: { first_line: number; text: string }[] = await this.dataSource.query(
      `SELECT first_line, text FROM execution_output
        WHERE execution_id = $1 AND first_line <= $3 AND first_line + line_count - 1 >= $2
        ORDER BY first_line`,
      [executionId, start, end],
    );
    const lines: string[] = [];
    for (const chunk of chunks) {
      chunk.text.split('\n').forEach((line, i) => {
        const number = chunk.first_line + i;
        if (number >= start && number <= end) lines.push(line);
      });
    }
    return lines;
  }

  /**
   * Stores records whose counters (from `first`) the caller took on the execution row; with them
   * their webhook deliveries and the announcement on the records channel (and `alsoNotify`), in
   * one statement.
   */
  private async storeRecords(
    em: EntityManager,
    execution: Pick<Execution, 'id' | 'jobId' | 'accountId'>,
    first: number,
    records: NewStatusRecord[],
    { alsoNotify, newRow }: { alsoNotify?: readonly [string, string]; newRow?: Execution } = {},
  ): Promise<void> {
    const last = first + records.length - 1;
    const batch = records.map((r, i) => ({
      counter: first + i,
      id: randomUUID(),
      timestamp: r.timestamp.toISOString(),
      uuid: r.uuid,
      parent_uuid: r.parentUuid,
      event_type: r.eventType,
      host: r.host,
      play: r.play,
      task: r.task,
      failed: r.failed,
      changed: r.changed,
      message: r.message,
      stdout: r.stdout,
      event_data: r.eventData,
    }));
    // One statement: the records; webhook deliveries for the job's callbacks, by level (DEBUG every
    // record, ERROR failures and the result, RESULT the result only), in the same transaction so none
    // is ever lost; then the announcement, delivered at commit. A new execution's row can come first.
    const values: unknown[] = [execution.id, JSON.stringify(batch, withoutNul), execution.jobId, execution.accountId, CHANNELS.records, `${execution.id}:${last}`];
    const param = (value: unknown): string => `$${values.push(value)}`;
    const queued = newRow
      ? `queued AS (INSERT INTO executions SELECT * FROM jsonb_populate_record(NULL::executions, ${param(JSON.stringify(entityToRow(em, Execution, newRow)))}::jsonb)),`
      : '';
    const notifyToo = alsoNotify ? `, pg_notify(${param(alsoNotify[0])}, ${param(alsoNotify[1])})` : '';
    await runPrepared(
      em,
      `WITH ${queued} records AS (
         INSERT INTO status_records (execution_id, counter, id, job_id, account_id, timestamp, uuid, parent_uuid, event_type,
                                     host, play, task, failed, changed, message, stdout, event_data)
         SELECT $1, r.counter, r.id, $3, $4, r.timestamp, r.uuid, r.parent_uuid, r.event_type,
                r.host, r.play, r.task, r.failed, r.changed, r.message, r.stdout, r.event_data
           FROM jsonb_to_recordset($2::jsonb) AS r(counter int, id uuid, timestamp timestamptz, uuid text, parent_uuid text,
                event_type text, host text, play text, task text, failed boolean, changed boolean, message text,
                stdout text, event_data jsonb)
         RETURNING execution_id, counter, account_id, job_id, failed, event_type),
       deliveries AS (
         INSERT INTO webhook_deliveries (execution_id, counter, account_id, url, level)
         SELECT r.execution_id, r.counter, r.account_id, c->>'url', c->>'level'
           FROM records r JOIN jobs j ON j.id = r.job_id, jsonb_array_elements(j.definition->'callbacks') c
          WHERE c->>'level' = 'DEBUG'
             OR (c->>'level' = 'ERROR' AND (r.failed OR r.event_type = 'playbook_result'))
             OR (c->>'level' = 'RESULT' AND r.event_type = 'playbook_result')
          ORDER BY r.counter
         RETURNING 1)
       SELECT pg_notify($5, $6)${notifyToo}`,
      values,
    );
  }

  // ---- the worker's side: claim, lease, reap ------------------------------------------------

  /**
   * Claims the next run for `owner`: the head of each account's queue is a candidate (FIFO within
   * an account), accounts with the fewest active runs first, then the oldest head (fair between
   * accounts). A per-account advisory lock serialises claims of one account, so its FIFO order and
   * its concurrency limit (0 = none) hold across any number of workers. `more` says whether another
   * run was waiting when it looked (so a caller need not ask again for nothing; a run queued later
   * announces itself).
   */
  async claimNext(owner: string, leaseSeconds: number, accountLimit: number): Promise<{ claimed: Execution | null; more: boolean }> {
    // The candidates are the first rows of account_queues_ready_idx (migration 1733700000000):
    // reading them costs the same with 10 or 100,000 runs waiting, in 1 or 10,000 accounts.
    const candidates = await runPrepared<{ account_id: string; pending: number }>(
      this.dataSource,
      `SELECT account_id, pending FROM account_queues WHERE pending > 0 ORDER BY owned, head_queued_at LIMIT 20`,
      [],
    );
    const more = candidates.length > 1 || (candidates[0]?.pending ?? 0) > 1;
    for (const candidate of candidates) {
      const claimed = await this.dataSource.transaction(async (em) => {
        await runPrepared(em, `SELECT pg_advisory_xact_lock(hashtextextended('runner-account:' || $1, 0))`, [candidate.account_id]);
        if (accountLimit > 0) {
          const [{ active }] = await em.query(
            `SELECT count(*)::int AS active FROM executions WHERE account_id = $1 AND status IN ${OWNED_SQL}`,
            [candidate.account_id],
          );
          if (active >= accountLimit) return null;
        }
        // The head of the account's queue, taken in one statement (its record's counter with it).
        const now = Date.now();
        const [row] = await runPrepared<Record<string, unknown>>(
          em,
          `UPDATE executions SET status = 'INITIALIZING', attempt = attempt + 1, owner = $2, lease_expires_at = $3, updated_at = $4,
                  timers = timers || jsonb_build_array(jsonb_build_object('start', $5::bigint, 'end', NULL)), last_counter = last_counter + 1
            WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status = 'PENDING'
                         ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [candidate.account_id, owner, new Date(now + leaseSeconds * 1000), new Date(now), now],
        );
        if (!row) return null;
        const claimed = rowToEntity(em, Execution, row);
        // The attempt history: who claimed which attempt, in the record stream (with the reaper's
        // PENDING/FAILURE records, it shows that no two owners ever held a run at once).
        const claimedRecord = statusRecord('INITIALIZING');
        claimedRecord.eventData = { status: 'INITIALIZING', attempt: claimed.attempt, owner };
        await this.storeRecords(em, claimed, claimed.lastCounter, [claimedRecord]);
        return claimed;
      });
      if (claimed) return { claimed, more };
    }
    return { claimed: null, more: false };
  }

  /** Extends the leases `owner` still holds; returns those it holds, with their current status. */
  async renewLeases(owner: string, fences: { id: string; attempt: number }[], leaseSeconds: number): Promise<{ id: string; attempt: number; status: ExecutionStatus }[]> {
    if (fences.length === 0) return [];
    const result = await this.dataSource.query(
      `UPDATE executions e SET lease_expires_at = now() + make_interval(secs => $3)
         FROM jsonb_to_recordset($2::jsonb) AS f(id uuid, attempt int)
        WHERE e.id = f.id AND e.attempt = f.attempt AND e.owner = $1 AND e.status IN ${OWNED_SQL}
        RETURNING e.id, e.attempt, e.status`,
      [owner, JSON.stringify(fences), leaseSeconds],
    );
    return returnedRows(result);
  }

  /**
   * /metrics: the per-account totals the account_queues trigger keeps (waiting and ended runs), plus
   * the owned runs read live (executions_owned_idx), whose records grow with every batch. The same
   * figures as counting every row, at the cost of one row per account however long the history.
   */
  async figures(): Promise<ExecutionFigures> {
    const bucketSums = RUN_DURATION_BUCKETS_SECONDS.map((_, i) => `coalesce(sum(%[${i + 1}]), 0)::int`).join(', ');
    const [[kept], owned] = await Promise.all([
      this.dataSource.query(
        `SELECT coalesce(sum(pending), 0)::int AS "PENDING", coalesce(sum(ended_success), 0)::int AS "SUCCESS",
                coalesce(sum(ended_failure), 0)::int AS "FAILURE", coalesce(sum(ended_init_failure), 0)::int AS "INIT_FAILURE",
                coalesce(sum(ended_stopped), 0)::int AS "STOPPED", coalesce(sum(ended_killed), 0)::int AS "KILLED",
                coalesce(sum(records), 0)::bigint AS records, coalesce(sum(duration_count), 0)::int AS count,
                coalesce(sum(duration_sum), 0)::float8 AS sum, ARRAY[${bucketSums.replace(/%/g, 'duration_buckets')}] AS buckets
           FROM account_queues`,
      ),
      this.dataSource.query(
        `SELECT status, count(*)::int AS n, sum(last_counter)::bigint AS records, sum(d.n)::int AS count,
                coalesce(sum(d.total), 0)::float8 AS sum, ARRAY[${bucketSums.replace(/%/g, 'd.buckets')}] AS buckets
           FROM executions e CROSS JOIN LATERAL run_durations(e.timers) d WHERE status IN ${OWNED_SQL} GROUP BY status`,
      ),
    ]);
    const byStatus: Record<string, number> = {};
    for (const status of ['PENDING', ...TERMINAL_STATUSES]) byStatus[status] = kept[status];
    let recordsStored = Number(kept.records);
    const durations = { count: kept.count as number, sum: kept.sum as number, buckets: {} as Record<string, number> };
    const buckets = [...(kept.buckets as number[])];
    for (const row of owned) {
      byStatus[row.status] = row.n;
      recordsStored += Number(row.records);
      durations.count += row.count;
      durations.sum += row.sum;
      (row.buckets as number[]).forEach((n, i) => (buckets[i] += n));
    }
    RUN_DURATION_BUCKETS_SECONDS.forEach((bound, i) => (durations.buckets[String(bound)] = buckets[i]));
    return { byStatus, recordsStored, durations };
  }

  /** Which of these id prefixes (workspace names) belong to an active run. */
  async activePrefixes(prefixes: string[]): Promise<Set<string>> {
    const rows: { prefix: string }[] = await this.dataSource.query(
      `SELECT DISTINCT left(id::text, 8) AS prefix FROM executions
        WHERE status IN ${OWNED_SQL} AND left(id::text, 8) = ANY($1)`,
      [prefixes],
    );
    return new Set(rows.map((r) => r.prefix));
  }

  /** Owned runs whose lease lapsed (executions_owned_idx). */
  async lapsed(): Promise<{ id: string; attempt: number }[]> {
    return this.dataSource.query(
      `SELECT id, attempt FROM executions
        WHERE status IN ${OWNED_SQL} AND lease_expires_at < now() LIMIT 100`,
    );
  }
}

/** TypeORM answers an UPDATE … RETURNING with [rows, count] and a SELECT with rows. */
function returnedRows<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) ? value[0] : value) as T[];
}

function closeLastTimer(timers: ExecutionTimer[]): ExecutionTimer[] {
  if (!timers.length) return timers;
  const last = timers[timers.length - 1];
  return last.end === null ? [...timers.slice(0, -1), { ...last, end: Date.now() }] : timers;
}

/** PostgreSQL's jsonb cannot hold NUL characters; drop them from any string. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
}

/** Figures for /metrics, read from the rows (the truth) at scrape time. */
export interface ExecutionFigures {
  byStatus: Record<string, number>;
  recordsStored: number;
  /** Finished runs by duration bucket (seconds, cumulative), plus count and sum. */
  durations: { buckets: Record<string, number>; count: number; sum: number };
}
