import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { StatusRecord } from './entities';
import { rowToEntity, runPrepared } from './prepared';

@Injectable()
export class StatusRecordRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records of one execution after `afterCounter`, in counter order (primary key); `host`: that
   * host's only (filtered within the execution's key range: no index of its own needed).
   */
  pageForExecution(executionId: string, afterCounter: number, page: number, size: number, host?: string): Promise<[StatusRecord[], number]> {
    return this.dataSource.getRepository(StatusRecord).findAndCount({
      where: { executionId, counter: MoreThan(afterCounter), ...(host !== undefined ? { host } : {}) },
      order: { counter: 'ASC' },
      skip: page * size,
      take: size,
    });
  }

  /**
   * Up to `limit` records of one execution after `afterCounter`, in order (primary key range scan).
   * The live feed's read, for every stored batch on every api node: a prepared statement.
   */
  async after(executionId: string, afterCounter: number, limit: number): Promise<StatusRecord[]> {
    const rows = await runPrepared<Record<string, unknown>>(
      this.dataSource,
      'SELECT * FROM status_records WHERE execution_id = $1 AND counter > $2 ORDER BY counter LIMIT $3',
      [executionId, afterCounter, limit],
    );
    return rows.map((row) => rowToEntity(this.dataSource, StatusRecord, row));
  }

  /** Records of every execution of a job, by execution then counter (status_records_job_idx). */
  pageForJob(jobId: string, page: number, size: number): Promise<[StatusRecord[], number]> {
    return this.dataSource.getRepository(StatusRecord).findAndCount({
      where: { jobId },
      order: { executionId: 'ASC', counter: 'ASC' },
      skip: page * size,
      take: size,
    });
  }
}
