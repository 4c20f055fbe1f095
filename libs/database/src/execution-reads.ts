import { Injectable } from '@nestjs/common';
import { DataSource, In, SelectQueryBuilder } from 'typeorm';
import { ACTIVE_STATUSES, ExecutionStatus } from '@app/domain';
import { Execution } from './entities';
import { ACTIVE_SQL } from './status-sql';

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
  constructor(private readonly dataSource: DataSource) {}

  findInJob(jobId: string, id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ jobId, id });
  }

  findById(id: string): Promise<Execution | null> {
    return this.dataSource.getRepository(Execution).findOneBy({ id });
  }

  activeForJob(jobId: string): Promise<Execution[]> {
    return this.dataSource.getRepository(Execution).findBy({ jobId, status: In([...ACTIVE_STATUSES]) });
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

  /**
   * Counters reached by the active executions in a scope (a subscription's starting point): a job's,
   * or an account tree's (starts_with, as pageInTree: a path's `_` and `%` are text, not wildcards).
   */
  async activeCounters(where: { jobId?: string; accountPath?: string }): Promise<{ id: string; lastCounter: number }[]> {
    return this.dataSource.query(
      `SELECT e.id, e.last_counter AS "lastCounter" FROM executions e JOIN accounts a ON a.id = e.account_id
        WHERE e.status IN ${ACTIVE_SQL}
          AND ($1::uuid IS NULL OR e.job_id = $1) AND ($2::text IS NULL OR starts_with(a.path, $2))`,
      [where.jobId ?? null, where.accountPath ?? null],
    );
  }

  /** One pass over the executions table for /metrics. */
  async figures(bucketsSeconds: number[]): Promise<ExecutionFigures> {
    const [statusRows, [durationRow]] = await Promise.all([
      this.dataSource.query(`SELECT status, count(*)::int AS n, sum(last_counter)::bigint AS records FROM executions GROUP BY status`),
      this.dataSource.query(
        `WITH d AS (
           SELECT ((t->>'end')::bigint - (t->>'start')::bigint) / 1000.0 AS seconds
             FROM executions, jsonb_array_elements(timers) t WHERE t->>'end' IS NOT NULL)
         SELECT count(*)::int AS count, coalesce(sum(seconds), 0)::float AS sum,
                array[${bucketsSeconds.map((b) => `count(*) FILTER (WHERE seconds <= ${Number(b)})::int`).join(', ')}] AS buckets
           FROM d`,
      ),
    ]);
    const byStatus: Record<string, number> = {};
    let recordsStored = 0;
    for (const row of statusRows) {
      byStatus[row.status] = row.n;
      recordsStored += Number(row.records ?? 0);
    }
    const buckets = Object.fromEntries(bucketsSeconds.map((b, i) => [String(b), durationRow.buckets[i] as number]));
    return { byStatus, recordsStored, durations: { buckets, count: durationRow.count, sum: durationRow.sum } };
  }
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
