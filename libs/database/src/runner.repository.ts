import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RunnerDocument } from '@app/domain';
import { OWNED_SQL } from './status-sql';

/** A runners row: what GET /v2/automation/runners answers (RunnerDocument), with its times as dates. */
export interface RunnerInfo extends Pick<RunnerDocument, 'id' | 'host' | 'pid' | 'slots' | 'version' | 'ansible' | 'draining'> {
  startedAt: Date;
  heartbeatAt: Date;
  running: string[];
}

@Injectable()
export class RunnerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async register(r: Omit<RunnerInfo, 'startedAt' | 'heartbeatAt' | 'running' | 'draining'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO runners (id, host, pid, slots, version, ansible, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, now(), now())`,
      [r.id, r.host, r.pid, r.slots, r.version, r.ansible],
    );
  }

  async heartbeat(id: string, draining: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE runners SET heartbeat_at = now(), draining = $2 WHERE id = $1`, [id, draining]);
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM runners WHERE id = $1`, [id]);
  }

  /** Runners heard from in the last `seconds`, with the executions each owns (executions_owned_idx). */
  list(seconds: number): Promise<RunnerInfo[]> {
    return this.dataSource.query(
      `SELECT r.id, r.host, r.pid, r.slots, r.version, r.ansible, r.draining, r.started_at AS "startedAt", r.heartbeat_at AS "heartbeatAt",
              coalesce(array_agg(e.id::text ORDER BY e.id) FILTER (WHERE e.id IS NOT NULL), '{}') AS running
         FROM runners r
         LEFT JOIN executions e ON e.owner = r.id AND e.status IN ${OWNED_SQL}
        WHERE r.heartbeat_at > now() - make_interval(secs => $1)
        GROUP BY r.id ORDER BY r.started_at`,
      [seconds],
    );
  }
}
