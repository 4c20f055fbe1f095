import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/access';
import { HttpMetrics } from '../common/http-metrics';
import { HealthService } from './health.service';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: HttpMetrics,
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
    const { ready, status, checks } = await this.health.readiness();
    response.status(ready ? 200 : 503);
    return { status, checks };
  }

  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
