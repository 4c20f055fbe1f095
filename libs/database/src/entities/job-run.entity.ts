import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per job, the totals of its runs (all, by status) and the status records of those no worker owns,
 * written only by the trigger on executions (migration 1733800000000-job-runs); read by RunTotals in
 * SQL for the lists' totalSize. Declared so the schema has no table without an entity.
 */
@Entity('job_runs')
export class JobRun {
  @PrimaryColumn('uuid', { name: 'job_id' }) jobId: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('integer') runs: number;
  /** {status: runs}; a status no run of the job ever had is absent. */
  @Column('jsonb') statuses: Record<string, number>;
  /** int8: a string in JavaScript. */
  @Column('bigint') records: string;
}
