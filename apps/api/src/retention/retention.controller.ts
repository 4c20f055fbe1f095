import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Account } from '@app/database';
import { Requires } from '../common/access';
import { TargetAccount } from '../common/principal';
import { RetentionDto } from './retention.dto';
import { RetentionService } from './retention.service';

@ApiTags('accounts')
@Controller('v2/accounts')
export class RetentionController {
  constructor(private readonly service: RetentionService) {}

  /** How long the account's finished runs are kept, and where that setting comes from. */
  @Requires('read')
  @Get(':alias/retention')
  get(@TargetAccount() account: Account): Promise<RetentionDto> {
    return this.service.get(account);
  }

  /** Sets the account's retention (days; 0 = forever; null = as its parent / the service default). */
  @Requires('administer')
  @Put(':alias/retention')
  put(@TargetAccount() account: Account, @Body() body: RetentionDto): Promise<RetentionDto> {
    return this.service.set(account, body);
  }
}
