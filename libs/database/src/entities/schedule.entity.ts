import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerType } from '@app/domain';

export type OverlapPolicy = 'allow' | 'skip' | 'queue';
export type CatchUpPolicy = 'one' | 'none';

/**
 * A job's schedule: a cron expression (read in `timeZone`) or one date, and what a fire does when
 * the previous run is still active (`overlap`) or when fire times were missed (`catchUp`).
 * `nextRunAt` is the scheduler's due time; null when it never fires again.
 */
@Entity('schedules')
export class Schedule {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'job_id' }) jobId: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') description: string;
  @Column('text', { name: 'service_account_alias' }) serviceAccountAlias: string;
  @Column('text', { name: 'trigger_type' }) triggerType: TriggerType;
  @Column('text') expression: string;
  /** An IANA name; the fields of a cron expression are wall-clock times there. */
  @Column('text', { name: 'time_zone', default: 'UTC' }) timeZone: string;
  @Column('boolean', { default: true }) enabled: boolean;
  @Column('text', { default: 'allow' }) overlap: OverlapPolicy;
  @Column('text', { name: 'catch_up', default: 'one' }) catchUp: CatchUpPolicy;
  @Column('timestamptz', { name: 'next_run_at', nullable: true }) nextRunAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
