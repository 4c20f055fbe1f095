import { Body, Controller, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Account } from '@app/database';
import { Requires } from '../common/access';
import { Reads } from '../common/route-decorators';
import { TargetAccount } from '../common/principal';
import { NotifyDto } from './notify.dto';
import { NotifyService } from './notify.service';

@ApiTags('accounts')
@Controller('v2/accounts')
export class NotifyController {
  constructor(private readonly service: NotifyService) {}

  /** The account's default notifications, for its jobs without their own `notify` (the chat URL shown as "$encrypted$"). */
  @Reads(':alias/notify')
  get(@TargetAccount() account: Account): Promise<NotifyDto> {
    return this.service.accountDefault(account) as Promise<NotifyDto>;
  }

  /** Replaces the account's default notifications; `{}` removes it. */
  @Requires('administer')
  @Put(':alias/notify')
  put(@TargetAccount() account: Account, @Body() body: NotifyDto): Promise<NotifyDto> {
    return this.service.setAccountDefault(account, body) as Promise<NotifyDto>;
  }
}
