import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { migrationsCurrent } from '@app/database';
import { DrainState } from '../common/drain-state';

export interface Readiness {
  ready: boolean;
  status: 'ready' | 'not ready' | 'draining';
  checks: Record<string, string>;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly drain: DrainState,
  ) {}

  /** Ready for traffic: not draining, database reachable and migrations current. */
  async readiness(): Promise<Readiness> {
    if (this.drain.draining) return { ready: false, status: 'draining', checks: {} };
    const checks: Record<string, string> = {};
    try {
      checks.migrations = (await migrationsCurrent(this.dataSource)) ? 'current' : 'pending';
      checks.database = 'reachable';
    } catch {
      checks.database = 'unreachable';
    }
    const ready = checks.database === 'reachable' && checks.migrations === 'current';
    return { ready, status: ready ? 'ready' : 'not ready', checks };
  }
}
