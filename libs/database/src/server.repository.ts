import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { Server } from './entities';

@Injectable()
export class ServerRepository {
  private readonly repo: Repository<Server>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Server);
  }

  /** false when a server of that name exists in the account (ON CONFLICT DO NOTHING: one statement). */
  async insert(s: Server): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...s, hostKey: null, updatedAt: s.createdAt })
      .orIgnore()
      .returning('name')
      .execute();
    return result.raw.length > 0;
  }

  async update(s: Server): Promise<void> {
    const { description, ipAddress, port, group, locationId, os, username, sealedPassword, hostVars, sealedHostVars } = s;
    await this.repo.update(
      { accountId: s.accountId, name: s.name },
      { description, ipAddress, port, group, locationId, os, username, sealedPassword, hostVars, sealedHostVars, updatedAt: () => 'now()' },
    );
  }

  find(accountId: string, name: string): Promise<Server | null> {
    return this.repo.findOneBy({ accountId, name });
  }

  /** servers_account_created_idx: newest first. */
  page(accountId: string, page: number, size: number): Promise<[Server[], number]> {
    return this.repo.findAndCount({ where: { accountId }, order: { createdAt: 'DESC', name: 'ASC' }, take: size, skip: page * size });
  }

  all(accountId: string): Promise<Server[]> {
    return this.repo.find({ where: { accountId }, order: { name: 'ASC' } });
  }

  async delete(accountId: string, name: string): Promise<boolean> {
    return Boolean((await this.repo.delete({ accountId, name })).affected);
  }

  /** Remembers the host key on first contact (first writer wins); returns the key now on record. */
  async rememberHostKey(accountId: string, name: string, hostKey: string): Promise<string> {
    await this.repo.update({ accountId, name, hostKey: IsNull() }, { hostKey });
    const row = await this.repo.findOne({ where: { accountId, name }, select: { hostKey: true } });
    return row?.hostKey ?? hostKey;
  }
}
