import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Runner } from './entities';
import { OWNED_SQL } from './status-sql';

/** A runner and the executions it owns now. */
export interface RunnerInfo extends Runner {
  running: string[];
}

@Injectable()
export class RunnerRepository {
  private readonly repo: Repository<Runner>;
  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(Runner);
  }

  /** The database's clock, not this node's: heartbeats are compared with now() by every node. */
  async register(r: Omit<Runner, 'startedAt' | 'heartbeatAt' | 'draining'>): Promise<void> {
    await this.repo.insert({ ...r, startedAt: () => 'now()', heartbeatAt: () => 'now()' });
  }

  async heartbeat(id: string, draining: boolean): Promise<void> {
    await this.repo.update(id, { heartbeatAt: () => 'now()', draining });
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete(id);
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
