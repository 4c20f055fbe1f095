import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { migrationsCurrent } from '@app/database';
import { Public } from '../common/access';
import { DrainState } from '../common/drain-state';
import { HttpMetrics } from '../common/http-metrics';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: HttpMetrics,
    private readonly drain: DrainState,
  ) {}

  /** The process is alive. */
  @Public()
  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready for traffic: not draining, database reachable and migrations current. 503 otherwise. */
  @Public()
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: Response): Promise<{ status: string; checks: Record<string, string> }> {
    if (this.drain.draining) {
      response.status(503);
      return { status: 'draining', checks: {} };
    }
    const checks: Record<string, string> = {};
    try {
      checks.migrations = (await migrationsCurrent(this.dataSource)) ? 'current' : 'pending';
      checks.database = 'reachable';
    } catch {
      checks.database = 'unreachable';
    }
    const ready = checks.database === 'reachable' && checks.migrations === 'current';
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', checks };
  }

  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
