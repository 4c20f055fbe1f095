import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { KnownHost } from './entities';

/** SSH host keys per account, as known_hosts lines: first contact adds, a changed key is refused by ssh. */
@Injectable()
export class KnownHostRepository {
  private readonly repo: Repository<KnownHost>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(KnownHost);
  }

  async lines(accountId: string): Promise<string[]> {
    const rows = await this.repo.find({ where: { accountId }, order: { createdAt: 'ASC', line: 'ASC' } });
    return rows.map((r) => r.line);
  }

  async remember(accountId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.repo
      .createQueryBuilder()
      .insert()
      .values(lines.map((line) => ({ accountId, line })))
      .orIgnore()
      .execute();
  }
}
