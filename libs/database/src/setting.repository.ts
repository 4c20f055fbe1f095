import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Setting } from './entities';

@Injectable()
export class SettingRepository {
  private readonly repo: Repository<Setting>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Setting);
  }

  async get(name: string): Promise<string | null> {
    return (await this.repo.findOneBy({ name }))?.value ?? null;
  }

  /** Sets the value unless one exists; returns the value now stored (first writer wins: ON CONFLICT DO NOTHING). */
  async putIfAbsent(name: string, value: string): Promise<string> {
    await this.repo.createQueryBuilder().insert().values({ name, value }).orIgnore().execute();
    return (await this.get(name)) as string;
  }
}
