import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Job } from './entities';

@Injectable()
export class JobRepository {
  private readonly repo: Repository<Job>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Job);
  }

  insert(job: Job): Promise<unknown> {
    return this.repo.insert(job);
  }

  findById(id: string): Promise<Job | null> {
    return this.repo.findOneBy({ id });
  }

  findInAccount(accountId: string, id: string): Promise<Job | null> {
    return this.repo.findOneBy({ accountId, id });
  }

  /** Newest first (jobs_account_created_idx). */
  pageByAccount(accountId: string, page: number, size: number): Promise<[Job[], number]> {
    return this.repo.findAndCount({
      where: { accountId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: page * size,
      take: size,
    });
  }

  async update(job: Job): Promise<void> {
    await this.repo.update(
      { id: job.id },
      { description: job.description, definition: job.definition, sealedSecrets: job.sealedSecrets, updatedAt: job.updatedAt },
    );
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
