import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLAIMED_STATUS, Clock, ExecutionStatus } from '@app/domain';
import { Execution } from './entities';
import { rowToEntity, runPrepared } from './prepared';
import { CHANNELS, recordRow, statusRecord } from './record-log';
import { OWNED_SQL } from './status-sql';

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
   * announces itself). One round trip: claim_next() (migration 1733900000000) takes the candidates
   * from account_queues_ready_idx, so a claim costs the same with 10 or 100,000 runs waiting.
   */
  async claimNext(owner: string, leaseSeconds: number, accountLimit: number): Promise<{ claimed: Execution | null; more: boolean }> {
    const now = this.clock.now();
    const [row] = await runPrepared<Record<string, unknown> & { more: boolean }>(
      this.dataSource,
      `SELECT (c.claimed).*, c.more FROM claim_next($1, $2, $3, $4, $5, $6, $7) c`,
      [owner, leaseSeconds, accountLimit, now, now.getTime(), JSON.stringify(recordRow(statusRecord(CLAIMED_STATUS, now))), CHANNELS.records],
    );
    return { claimed: row.id ? rowToEntity(this.dataSource, Execution, row) : null, more: row.more };
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
