import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TERMINAL_STATUSES } from '@app/domain';

/** How much one batch may delete: few executions, and few of their records (one run can hold thousands). */
export interface RetentionBatchLimits {
  executions: number;
  /** Status records, summed over the batch's runs; a batch holds at least one run, however large. */
  records: number;
}

export interface DeletedBatch {
  executions: number;
  records: number;
}

/** The most days an account may keep runs (about a century: more is a typo; 0 keeps them forever). Also the migration's CHECK and RUNNER_RETENTION_DAYS's bound. */
export const MAX_RETENTION_DAYS = 36500;

/** Small enough that a batch's transaction is short whatever the tables hold. */
export const RETENTION_BATCH: RetentionBatchLimits = { executions: 500, records: 10_000 };
/** Between batches, so a long deletion leaves the database to others most of the time. */
export const RETENTION_PAUSE_MS = 100;

/**
 * Runs `batch` until it deletes nothing (or returns null: another worker holds the lock, or
 * `goOn` says stop), pausing between batches; returns what it deleted in all.
 */
export async function deleteInBatches(batch: () => Promise<DeletedBatch | null>, goOn: () => boolean = () => true): Promise<DeletedBatch> {
  const total: DeletedBatch = { executions: 0, records: 0 };
  for (;;) {
    const deleted = await batch();
    if (!deleted || deleted.executions === 0) return total;
    total.executions += deleted.executions;
    total.records += deleted.records;
    if (!goOn()) return total;
    await new Promise((resolve) => setTimeout(resolve, RETENTION_PAUSE_MS));
  }
}

/** An account's retention as set and as it applies (README "Retention"). */
export interface AccountRetention {
  /** The account's own setting: null = as its parent (at the top, the service default). */
  retentionDays: number | null;
  /** What applies to its runs: its own setting, its nearest ancestor's, or the service default; 0 = forever. */
  effectiveRetentionDays: number;
  /** Where that comes from: the alias of the account that set it, or null for the service default. */
  setBy: string | null;
}

const TERMINAL_SQL = `(${TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Each account's retention in days: its own, else its nearest ancestor's (an account's path starts
 * with each of its ancestors' paths, so the longest such path is the nearest), else $1.
 */
const POLICY_SQL = `
  SELECT a.id, a.alias, a.retention_days AS own, s.alias AS set_by, coalesce(s.retention_days, $1::int) AS days
    FROM accounts a
    LEFT JOIN LATERAL (
      SELECT p.alias, p.retention_days FROM accounts p
       WHERE p.retention_days IS NOT NULL AND starts_with(a.path, p.path)
       ORDER BY length(p.path) DESC LIMIT 1) s ON true`;

/** Only one worker deletes at a time (the others find the lock taken and wait for their next pass). */
const RETENTION_LOCK = `SELECT pg_try_advisory_xact_lock(hashtextextended('runner-retention', 0)) AS leader`;

/**
 * Deleting old runs (README "Retention"). Every batch is one short transaction that locks the rows it
 * deletes with SKIP LOCKED and nothing else, so claims, record writes and requests on other runs never
 * wait for it, and a run being restarted or changed right now is left for a later batch. Deleting an
 * execution cascades (see the migrations) to its status records, transcript, webhook and notification
 * deliveries and run tokens; its artifacts are a column of the row; its schedule fire is deleted here.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async accountRetention(accountId: string, serviceDays: number): Promise<AccountRetention> {
    const [row] = await this.dataSource.query(`WITH policy AS (${POLICY_SQL}) SELECT own, set_by, days FROM policy WHERE id = $2`, [serviceDays, accountId]);
    return { retentionDays: row.own, effectiveRetentionDays: row.days, setBy: row.set_by };
  }

  async setAccountRetention(accountId: string, days: number | null): Promise<void> {
    await this.dataSource.query(`UPDATE accounts SET retention_days = $2 WHERE id = $1`, [accountId, days]);
  }

  /**
   * One batch of finished runs past their account's retention (executions_retention_idx, probed per
   * account). Returns null when another worker holds the retention lock.
   */
  deleteExpiredBatch(serviceDays: number, limits: RetentionBatchLimits): Promise<DeletedBatch | null> {
    return this.dataSource.transaction(async (em) => {
      const [{ leader }] = await em.query(RETENTION_LOCK);
      if (!leader) return null;
      const candidates: Candidate[] = await em.query(
        `WITH policy AS (${POLICY_SQL})
         SELECT e.id, e.last_counter AS records FROM policy p CROSS JOIN LATERAL (
           SELECT id, last_counter FROM executions
            WHERE account_id = p.id AND status IN ${TERMINAL_SQL} AND updated_at < now() - make_interval(days => p.days)
            ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED) e
          WHERE p.days > 0 LIMIT $2`,
        [serviceDays, limits.executions],
      );
      return deleteCandidates(em, candidates, limits);
    });
  }

  /**
   * One batch of a job's finished runs (executions_job_idx), so deleting a job with a long history
   * removes it in short transactions before the job row itself goes.
   */
  deleteJobHistoryBatch(jobId: string, limits: RetentionBatchLimits): Promise<DeletedBatch> {
    return this.dataSource.transaction(async (em) => {
      const candidates: Candidate[] = await em.query(
        `SELECT id, last_counter AS records FROM executions
          WHERE job_id = $1 AND status IN ${TERMINAL_SQL} ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [jobId, limits.executions],
      );
      return deleteCandidates(em, candidates, limits);
    });
  }
}

interface Candidate {
  id: string;
  records: number;
}

/** Deletes locked candidates, oldest first, up to the batch's record budget (at least one run). */
async function deleteCandidates(em: EntityManager, candidates: Candidate[], limits: RetentionBatchLimits): Promise<DeletedBatch> {
  const ids: string[] = [];
  let records = 0;
  for (const candidate of candidates) {
    if (ids.length && records + candidate.records > limits.records) break;
    ids.push(candidate.id);
    records += candidate.records;
  }
  if (!ids.length) return { executions: 0, records: 0 };
  // schedule_fires.execution_id has no foreign key (a fire may have started nothing): found through
  // the fire's schedule (its primary key's first column).
  await em.query(
    `WITH gone AS (DELETE FROM executions WHERE id = ANY($1::uuid[]) RETURNING id, schedule_id)
     DELETE FROM schedule_fires f USING gone g WHERE f.schedule_id = g.schedule_id AND f.execution_id = g.id`,
    [ids],
  );
  return { executions: ids.length, records };
}
