import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ACTIVE_STATUSES, ExecutionStatus, RUN_DURATION_BUCKETS_SECONDS, TERMINAL_STATUSES } from '@app/domain';
import { Execution } from './entities';
import { rowToEntity } from './prepared';
import { RunTotals, RunScope } from './run-totals';
import { SqlConditions } from './sql-conditions';
import { OWNED_SQL, QUEUED_SQL } from './status-sql';

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

/** Figures for /metrics, read from the rows (the truth) at scrape time. */
export interface ExecutionFigures {
  byStatus: Record<string, number>;
  recordsStored: number;
  /** Finished runs by duration bucket (seconds, cumulative), plus count and sum. */
  durations: { buckets: Record<string, number>; count: number; sum: number };
}

/** The api's reads of runs: one run, pages of them (by job, account or account tree), scope, figures. Nothing here writes. */
@Injectable()
export class ExecutionReads {
  constructor(
    private readonly dataSource: DataSource,
    private readonly totals: RunTotals,
  ) {}

  findInJob(jobId: string, id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ jobId, id });
  }

  findById(id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ id });
  }

  activeForJob(jobId: string): Promise<Execution[]> {
    return this.dataSource.getRepository(Execution).findBy({ jobId, status: In([...ACTIVE_STATUSES]) });
  }

  /**
   * A job's or an account's runs, newest first: executions_job_idx / executions_account_idx, or with
   * `status` executions_job_status_idx / executions_account_status_idx, read in their order.
   */
  page(where: { jobId?: string; accountId?: string } & ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    const matching = (c: SqlConditions): string => narrowed(c.add('e.account_id = ?', where.accountId), where).sql('WHERE');
    return this.newestFirst(
      {
        rows: (c, limit) => `SELECT e.* FROM executions e ${matching(c)} ORDER BY e.created_at DESC, e.id DESC ${limit(c)}`,
        count: (c) => `SELECT count(*)::int AS n FROM executions e ${matching(c)}`,
      },
      { jobId: where.jobId, accountId: where.accountId },
      where,
      page,
      size,
    );
  }

  /**
   * The runs of the account at `accountPath` and of every account below it, newest first: each
   * account's newest (page + 1) × size through its own index (as page()), then merged, so a page
   * costs the same however many runs the tree holds. starts_with, not LIKE: a path's `_` and `%`
   * are text, not wildcards.
   */
  pageInTree(accountPath: string, filter: ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    return this.newestFirst(
      {
        rows: (c, limit) => {
          const narrowing = narrowed(c, filter).sql('AND');
          return `SELECT e.* FROM accounts a CROSS JOIN LATERAL (
                    SELECT * FROM executions e WHERE e.account_id = a.id ${narrowing}
                     ORDER BY e.created_at DESC, e.id DESC LIMIT ${c.value((page + 1) * size)}) e
                   WHERE starts_with(a.path, ${c.value(accountPath)}) ORDER BY e.created_at DESC, e.id DESC ${limit(c)}`;
        },
        count: (c) =>
          `SELECT count(*)::int AS n FROM accounts a JOIN executions e ON e.account_id = a.id
            WHERE starts_with(a.path, ${c.value(accountPath)}) ${narrowed(c, filter).sql('AND')}`,
      },
      { accountPath, jobId: filter.jobId },
      filter,
      page,
      size,
    );
  }

  /**
   * A page and the list's total: from job_runs (RunTotals), not by counting the rows, unless a time
   * bound narrows the list (then the rows in that range are counted).
   */
  private async newestFirst(
    sql: { rows: (c: SqlConditions, limit: (c: SqlConditions) => string) => string; count: (c: SqlConditions) => string },
    scope: RunScope,
    filter: ExecutionListFilter,
    page: number,
    size: number,
  ): Promise<[Execution[], number]> {
    const query = (build: (c: SqlConditions) => string): Promise<Record<string, unknown>[]> => {
      const conditions = new SqlConditions();
      return this.dataSource.query(build(conditions), conditions.values);
    };
    const rows = query((c) => sql.rows(c, (l) => `OFFSET ${l.value(page * size)} LIMIT ${l.value(size)}`));
    const total =
      filter.from !== undefined || filter.to !== undefined
        ? query(sql.count).then(([row]) => row.n as number)
        : this.totals.runs(scope, filter.status);
    const [found, n] = await Promise.all([rows, total]);
    return [found.map((row) => rowToEntity(this.dataSource, Execution, row)), n];
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

  /**
   * Counters reached by the active executions in an account tree (a subscription's starting point),
   * or of one job in it (starts_with, as pageInTree: a path's `_` and `%` are text, not wildcards).
   * Per account, its waiting runs (executions_queue_idx) and its owned ones (executions_owned_idx):
   * each half matches its partial index's predicate exactly, so neither reads the history.
   */
  async activeCounters(where: { accountPath: string; jobId?: string }): Promise<{ id: string; lastCounter: number }[]> {
    return this.dataSource.query(
      `SELECT e.id, e.last_counter AS "lastCounter" FROM accounts a CROSS JOIN LATERAL (
              SELECT id, job_id, last_counter FROM executions WHERE account_id = a.id AND status IN ${QUEUED_SQL}
              UNION ALL
              SELECT id, job_id, last_counter FROM executions WHERE account_id = a.id AND status IN ${OWNED_SQL}) e
        WHERE starts_with(a.path, $1) AND ($2::uuid IS NULL OR e.job_id = $2)`,
      [where.accountPath, where.jobId ?? null],
    );
  }

  /**
   * /metrics: the per-account totals the account_queues trigger keeps (waiting and ended runs), plus
   * the owned runs read live (executions_owned_idx), whose records grow with every batch. The same
   * figures as counting every row, at the cost of one row per account however long the history.
   */
  async figures(): Promise<ExecutionFigures> {
    const [[kept], owned] = await Promise.all([
      this.dataSource.query(
        `SELECT coalesce(sum(pending), 0)::int AS "PENDING", coalesce(sum(ended_success), 0)::int AS "SUCCESS",
                coalesce(sum(ended_failure), 0)::int AS "FAILURE", coalesce(sum(ended_init_failure), 0)::int AS "INIT_FAILURE",
                coalesce(sum(ended_stopped), 0)::int AS "STOPPED", coalesce(sum(ended_killed), 0)::int AS "KILLED",
                coalesce(sum(records), 0)::bigint AS records, coalesce(sum(duration_count), 0)::int AS count,
                coalesce(sum(duration_sum), 0)::float8 AS sum, ${bucketSums('duration_buckets')} AS buckets
           FROM account_queues`,
      ),
      this.dataSource.query(
        `SELECT status, count(*)::int AS n, sum(last_counter)::bigint AS records, sum(d.n)::int AS count,
                coalesce(sum(d.total), 0)::float8 AS sum, ${bucketSums('d.buckets')} AS buckets
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
}

/** SQL: the element-wise sums of an int[] column of duration bucket counts, as an array. */
function bucketSums(column: string): string {
  return `ARRAY[${RUN_DURATION_BUCKETS_SECONDS.map((_, i) => `coalesce(sum(${column}[${i + 1}]), 0)::int`).join(', ')}]`;
}

/** The filter's conditions (the list's scope is the caller's). */
function narrowed(c: SqlConditions, filter: ExecutionListFilter): SqlConditions {
  return c
    .add('e.job_id = ?', filter.jobId)
    .add('e.status = ?', filter.status)
    .add('e.created_at >= ?', filter.from)
    .add('e.created_at <= ?', filter.to);
}
