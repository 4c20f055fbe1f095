import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A counter per account moved by a trigger on every change to its jobs (the job list page cache). */
@Entity('job_list_versions')
export class JobListVersion {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  /** int8: a string in JavaScript. */
  @Column('bigint') version: string;
}
