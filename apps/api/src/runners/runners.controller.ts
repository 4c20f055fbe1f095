import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RunnerRepository } from '@app/database';
import { forbidden, rolesAllow } from '@app/domain';
import { Authenticated } from '../common/access';
import { CurrentPrincipal, Principal } from '../common/principal';

export class RunnerResponse {
  id: string;
  host: string;
  pid: number;
  slots: number;
  version: string;
  ansible: string;
  draining: boolean;
  startedTime: number;
  lastHeartbeatTime: number;
  runningExecutions: string[];
}

/** Workers heard from in the last minute: for operators of the whole service. */
@ApiTags('operations')
@Controller('v2/automation/runners')
export class RunnersController {
  constructor(private readonly runners: RunnerRepository) {}

  /** The worker processes, their load and last heartbeat (AccountAdmin of the root account only). */
  @Authenticated()
  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<RunnerResponse[]> {
    if (principal.account.parentId !== null || !rolesAllow(principal.user.roles, 'administer')) {
      throw forbidden('Only an AccountAdmin of the root account may list runners');
    }
    return (await this.runners.list(60)).map((r) => ({
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
