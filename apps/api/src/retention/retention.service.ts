import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { Account, RetentionRepository } from '@app/database';
import type { RetentionDto } from './retention.dto';

/** An account's retention setting, and what applies to its runs (README "Retention"). */
@Injectable()
export class RetentionService {
  constructor(
    private readonly retention: RetentionRepository,
    @Inject(CONFIG) private readonly config: RunnerConfig,
  ) {}

  async get(account: Account): Promise<Required<RetentionDto>> {
    const days = this.config.retention.days;
    return { ...(await this.retention.accountRetention(account.id, days)), serviceDefaultDays: days };
  }

  async set(account: Account, request: RetentionDto): Promise<Required<RetentionDto>> {
    await this.retention.setAccountRetention(account.id, request.retentionDays);
    return this.get(account);
  }
}
