import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { Account } from './entities';

@Injectable()
export class AccountRepository {
  private readonly repo: Repository<Account>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Account);
  }

  findByAlias(alias: string): Promise<Account | null> {
    return this.repo.findOneBy({ alias });
  }

  findById(id: string): Promise<Account | null> {
    return this.repo.findOneBy({ id });
  }

  /** Several accounts at once (the accounts of a page of runs across a tree). */
  findByIds(ids: string[]): Promise<Account[]> {
    return ids.length ? this.repo.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** What a run needs of its account: its alias (for the run's environment) and sandbox id (its uid). */
  runIdentity(id: string): Promise<Pick<Account, 'alias' | 'sandboxId'> | null> {
    return this.repo.findOne({ where: { id }, select: { alias: true, sandboxId: true } });
  }

  async count(): Promise<number> {
    return this.repo.count();
  }

  /** Direct children, by alias: for the account resource's sub-account links. */
  children(parentId: string): Promise<Account[]> {
    return this.repo.find({ where: { parentId }, order: { alias: 'ASC' } });
  }

  insert(account: Account): Promise<unknown> {
    return this.repo.insert(account);
  }
}
