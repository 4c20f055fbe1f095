import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { StatusRecord } from './entities';
import { rowToEntity, runPrepared } from './prepared';
import { RunTotals } from './run-totals';

@Injectable()
export class StatusRecordRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly totals: RunTotals,
  ) {}

  /**
   * Records of one execution after `afterCounter`, in counter order (primary key); `host`: that
   * host's only (filtered within the execution's key range: no index of its own needed, and counted
   * there). Without `host` the total needs no count: counters run 1…last_counter without gaps (a
   * record stored after the run was read raises it to the highest counter on the page).
   */
  async pageForExecution(
    execution: { id: string; lastCounter: number },
    afterCounter: number,
    page: number,
    size: number,
    host?: string,
  ): Promise<[StatusRecord[], number]> {
    const options = {
      where: { executionId: execution.id, counter: MoreThan(afterCounter), ...(host !== undefined ? { host } : {}) },
      order: { counter: 'ASC' as const },
      skip: page * size,
      take: size,
    };
    const records = this.dataSource.getRepository(StatusRecord);
    if (host !== undefined) return records.findAndCount(options);
    const rows = await records.find(options);
    return [rows, Math.max(0, Math.max(execution.lastCounter, rows.at(-1)?.counter ?? 0) - afterCounter)];
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

  /** Records of every execution of a job, by execution then counter (status_records_job_idx); the total from RunTotals. */
  pageForJob(jobId: string, page: number, size: number): Promise<[StatusRecord[], number]> {
    const rows = this.dataSource.getRepository(StatusRecord).find({
      where: { jobId },
      order: { executionId: 'ASC', counter: 'ASC' },
      skip: page * size,
      take: size,
    });
    return Promise.all([rows, this.totals.records(jobId)]);
  }
}
