import { Injectable } from '@nestjs/common';
import { Account, Operation, OperationRepository } from '@app/database';
import { notFound } from '@app/domain';

@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationRepository) {}

  /** One operation of the account; another account's id, or no id at all, is simply not found. */
  async find(account: Account, id: string): Promise<Operation> {
    const operation = /^[0-9a-f-]{36}$/i.test(id) ? await this.operations.find(account.id, id) : null;
    if (!operation) throw notFound(`Operation ${id}`);
    return operation;
  }
}
