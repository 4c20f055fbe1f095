import { Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Account } from '@app/database';
import { Reads } from '../common/route-decorators';
import { TargetAccount } from '../common/principal';
import { OperationResponse, shapeOperation } from './operation.dto';
import { OperationsService } from './operations.service';

@ApiTags('operations')
@Controller('v2/operations')
export class OperationsController {
  constructor(private readonly service: OperationsService) {}

  /** The state of asynchronous work such as a key deployment. */
  @Reads(':alias/status/:id')
  async status(@TargetAccount() account: Account, @Param('id') id: string): Promise<OperationResponse> {
    return shapeOperation(await this.service.find(account, id), account.alias);
  }
}
