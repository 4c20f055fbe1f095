import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/access';
import { CurrentPrincipal, Principal } from '../common/principal';
import { RunnerResponse } from './runner.dto';
import { RunnersService } from './runners.service';

/** Workers heard from in the last minute: for operators of the whole service. */
@ApiTags('operations')
@Controller('v2/automation/runners')
export class RunnersController {
  constructor(private readonly service: RunnersService) {}

  /** The worker processes, their load and last heartbeat (AccountAdmin of the root account only). */
  @Authenticated()
  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<RunnerResponse[]> {
    return (await this.service.list(principal)).map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      slots: r.slots,
      version: r.version,
      ansible: r.ansible,
      draining: r.draining,
      startedTime: new Date(r.startedAt).getTime(),
      lastHeartbeatTime: new Date(r.heartbeatAt).getTime(),
      runningExecutions: r.running,
    }));
  }
}
