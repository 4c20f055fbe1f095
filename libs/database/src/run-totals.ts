import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExecutionStatus } from '@app/domain';
import { SqlConditions } from './sql-conditions';
import { OWNED_SQL } from './status-sql';

/** Whose runs a list holds: one job, one account, or an account and every account below it. */
export interface RunScope {
  jobId?: string;
  accountId?: string;
  /** starts_with, not LIKE: a path's `_` and `%` are text, not wildcards. */
  accountPath?: string;
}

/**
 * The lists' totalSize without counting their rows: `job_runs` (migration 1733800000000, kept by a
 * trigger on executions) holds each job's runs by status and the records of its runs no worker owns,
 * so a total costs one row per job in the scope however long its history.
 */
@Injectable()
export class RunTotals {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs in `scope` (with `status`, if given): job_runs' primary key or job_runs_account_idx. */
  async runs(scope: RunScope, status?: ExecutionStatus): Promise<number> {
    const c = new SqlConditions();
    const statusValue = c.value(status ?? null);
    c.add('r.job_id = ?', scope.jobId)
      .add('r.account_id = ?', scope.accountId)
      .add('r.account_id IN (SELECT id FROM accounts WHERE starts_with(path, ?))', scope.accountPath);
    const [row] = await this.dataSource.query(
      `SELECT coalesce(sum(CASE WHEN ${statusValue}::text IS NULL THEN r.runs ELSE coalesce((r.statuses->>${statusValue}::text)::int, 0) END), 0)::int AS n
         FROM job_runs r ${c.sql('WHERE')}`,
      c.values,
    );
    return row.n;
  }

  /**
   * Status records of every run of a job: those of runs no worker owns (job_runs), plus the owned
   * runs' read live (executions_owned_idx, through the job's account): their records grow with every
   * batch, so the trigger leaves them out.
   */
  async records(jobId: string): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT (r.records + coalesce((SELECT sum(e.last_counter) FROM executions e
                                      WHERE e.account_id = r.account_id AND e.job_id = r.job_id AND e.status IN ${OWNED_SQL}), 0))::float8 AS n
         FROM job_runs r WHERE r.job_id = $1`,
      [jobId],
    );
    return row?.n ?? 0;
  }
}
