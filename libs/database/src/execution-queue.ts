import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLAIMED_STATUS, Clock, ExecutionStatus } from '@app/domain';
import { Execution } from './entities';
import { rowToEntity, runPrepared } from './prepared';
import { statusRecord, storeRecords } from './record-log';
import { CLAIMED_SQL, OWNED_SQL, QUEUED_SQL } from './status-sql';

/**
 * The worker's side of the executions table: the claim query (claimNext), leases (renewLeases),
 * runs whose owner was lost (lapsed) and workspaces still in use (activePrefixes). Status changes
 * after the claim go through ExecutionWriter.change, fenced by the attempt claimed here.
 */
@Injectable()
export class ExecutionQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims the next run for `owner`: the head of each account's queue is a candidate (FIFO within
   * an account), accounts with the fewest active runs first, then the oldest head (fair between
   * accounts). A per-account advisory lock serialises claims of one account, so its FIFO order and
   * its concurrency limit (0 = none) hold across any number of workers. `more` says whether another
   * run was waiting when it looked (so a caller need not ask again for nothing; a run queued later
   * announces itself).
   */
  async claimNext(owner: string, leaseSeconds: number, accountLimit: number): Promise<{ claimed: Execution | null; more: boolean }> {
    // The candidates are the first rows of account_queues_ready_idx (migration 1733700000000, kept
    // by a trigger on executions): reading them costs the same with 10 or 100,000 runs waiting, in
    // 1 or 10,000 accounts.
    const candidates = await runPrepared<{ account_id: string; pending: number }>(
      this.dataSource,
      `SELECT account_id, pending FROM account_queues WHERE pending > 0 ORDER BY owned, head_queued_at LIMIT 20`,
      [],
    );
    const more = candidates.length > 1 || (candidates[0]?.pending ?? 0) > 1;
    for (const candidate of candidates) {
      const claimed = await this.claimHead(candidate.account_id, owner, leaseSeconds, accountLimit);
      if (claimed) return { claimed, more };
    }
    return { claimed: null, more: false };
  }

  /** The head of one account's queue, unless the account is at its limit or another worker took it. */
  private claimHead(accountId: string, owner: string, leaseSeconds: number, accountLimit: number): Promise<Execution | null> {
    return this.dataSource.transaction(async (em) => {
      await runPrepared(em, `SELECT pg_advisory_xact_lock(hashtextextended('runner-account:' || $1, 0))`, [accountId]);
      if (accountLimit > 0) {
        const [{ active }] = await em.query(`SELECT count(*)::int AS active FROM executions WHERE account_id = $1 AND status IN ${OWNED_SQL}`, [accountId]);
        if (active >= accountLimit) return null;
      }
      // The head of the account's queue, taken in one statement (its record's counter with it).
      const now = this.clock.now();
      const [row] = await runPrepared<Record<string, unknown>>(
        em,
        `UPDATE executions SET status = ${CLAIMED_SQL}, attempt = attempt + 1, owner = $2, lease_expires_at = $3, updated_at = $4,
                timers = timers || jsonb_build_array(jsonb_build_object('start', $5::bigint, 'end', NULL)), last_counter = last_counter + 1
          WHERE id = (SELECT id FROM executions WHERE account_id = $1 AND status IN ${QUEUED_SQL}
                       ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [accountId, owner, new Date(now.getTime() + leaseSeconds * 1000), now, now.getTime()],
      );
      if (!row) return null;
      const claimed = rowToEntity(em, Execution, row);
      // The attempt history: who claimed which attempt, in the record stream (with the reaper's
      // PENDING/FAILURE records, it shows that no two owners ever held a run at once).
      const claimedRecord = statusRecord(CLAIMED_STATUS, now);
      claimedRecord.eventData = { status: CLAIMED_STATUS, attempt: claimed.attempt, owner };
      await storeRecords(em, claimed, claimed.lastCounter, [claimedRecord]);
      return claimed;
    });
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

  /** What the run's owner is asked to do now (a stop or kill request): its status and the stop's grace; null once deleted. */
  async requested(id: string): Promise<Pick<Execution, 'status' | 'stopGraceSeconds'> | null> {
    const [row] = await this.dataSource.query(`SELECT status, stop_grace_seconds AS "stopGraceSeconds" FROM executions WHERE id = $1`, [id]);
    return row ?? null;
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
