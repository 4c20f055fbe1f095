import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Job } from './entities';
import { rowToEntity, runPrepared } from './prepared';

/** What the job list may be narrowed to (JobRepository.pageByAccount). */
export interface JobListFilter {
  search?: string;
  /** An execution status, or NONE for jobs that never ran. */
  lastStatus?: string;
}

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
   * this is the most requested list; a page past the end counts separately. `search` matches the
   * description, the repository's URL and its playbook (case-insensitive, as plain text: `%` and `_`
   * are no wildcards); `lastStatus` the status of the job's newest run (`NONE`: never run), one
   * executions_job_idx probe per job. Both scan the account's jobs only (the account index first):
   * no trigram index, as an account's job list is small next to the cost of keeping one up to date.
   */
  async pageByAccount(accountId: string, page: number, size: number, filter: JobListFilter = {}): Promise<[Job[], number]> {
    const query = this.repo
      .createQueryBuilder('j')
      .addSelect('count(*) OVER ()', 'total')
      .where('j.accountId = :accountId', { accountId });
    if (filter.search) {
      query.andWhere(
        `(j.description ILIKE :pattern OR j.definition #>> '{repository,url}' ILIKE :pattern OR j.definition #>> '{repository,defaultPlaybook}' ILIKE :pattern)`,
        { pattern: `%${filter.search.replace(/[\\%_]/g, '\\$&')}%` },
      );
    }
    if (filter.lastStatus) {
      const last = `(SELECT e.status FROM executions e WHERE e.job_id = j.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1)`;
      if (filter.lastStatus === 'NONE') query.andWhere(`${last} IS NULL`);
      else query.andWhere(`${last} = :lastStatus`, { lastStatus: filter.lastStatus });
    }
    const { entities, raw } = await query.orderBy('j.createdAt', 'DESC').addOrderBy('j.id', 'DESC').offset(page * size).limit(size).getRawAndEntities();
    if (raw.length) return [entities, Number(raw[0].total)];
    return [[], page === 0 ? 0 : await query.getCount()];
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
