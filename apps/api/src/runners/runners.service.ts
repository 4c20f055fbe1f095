import { Injectable } from '@nestjs/common';
import { RunnerInfo, RunnerRepository } from '@app/database';
import { forbidden, rolesAllow } from '@app/domain';
import type { Principal } from '../common/principal';

/** Workers heard from in the last minute. */
const HEARD_WITHIN_SECONDS = 60;

@Injectable()
export class RunnersService {
  constructor(private readonly runners: RunnerRepository) {}

  /** For operators of the whole service: the workers are shared by every account. */
  async list(principal: Principal): Promise<RunnerInfo[]> {
    if (principal.account.parentId !== null || !rolesAllow(principal.user.roles, 'administer')) {
      throw forbidden('Only an AccountAdmin of the root account may list runners');
    }
    return this.runners.list(HEARD_WITHIN_SECONDS);
  }
}
