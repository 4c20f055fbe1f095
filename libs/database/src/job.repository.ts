import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Job } from './entities';
import { rowToEntity, runPrepared } from './prepared';

@Injectable()
export class JobRepository {
  private readonly repo: Repository<Job>;
  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(Job);
  }

  insert(job: Job): Promise<unknown> {
    return this.repo.insert(job);
  }

  /** On the launch path (the worker's preparation): a prepared statement. */
  async findById(id: string): Promise<Job | null> {
    const [row] = await runPrepared<Record<string, unknown>>(this.dataSource, 'SELECT * FROM jobs WHERE id = $1', [id]);
    return row ? rowToEntity(this.dataSource, Job, row) : null;
  }

  /** On the launch path (every start request): a prepared statement. */
  async findInAccount(accountId: string, id: string): Promise<Job | null> {
    const [row] = await runPrepared<Record<string, unknown>>(this.dataSource, 'SELECT * FROM jobs WHERE id = $1 AND account_id = $2', [id, accountId]);
    return row ? rowToEntity(this.dataSource, Job, row) : null;
  }

  /**
   * Newest first (jobs_account_created_idx), with the total in the same query (a window count), as
   * this is the most requested list; a page past the end counts separately.
   */
  async pageByAccount(accountId: string, page: number, size: number): Promise<[Job[], number]> {
    const { entities, raw } = await this.repo
      .createQueryBuilder('j')
      .addSelect('count(*) OVER ()', 'total')
      .where('j.accountId = :accountId', { accountId })
      .orderBy('j.createdAt', 'DESC')
      .addOrderBy('j.id', 'DESC')
      .offset(page * size)
      .limit(size)
      .getRawAndEntities();
    if (raw.length) return [entities, Number(raw[0].total)];
    return [[], page === 0 ? 0 : await this.repo.countBy({ accountId })];
  }

  /** The account's job list version: moved by a trigger on every change to its jobs; '0' before the first. */
  async listVersion(accountId: string): Promise<string> {
    const rows = await runPrepared<{ version: string }>(this.dataSource, 'SELECT version FROM job_list_versions WHERE account_id = $1', [accountId]);
    return rows[0]?.version ?? '0';
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
