import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A job started by time (cron expression or date) as a service account. */
@Entity('schedules')
export class Schedule {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'job_id' }) jobId: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') description: string;
  @Column('text', { name: 'service_account_alias' }) serviceAccountAlias: string;
  @Column('text', { name: 'trigger_type' }) triggerType: 'cron' | 'date';
  @Column('text') expression: string;
  @Column('boolean') enabled: boolean;
  @Column('text') overlap: 'allow' | 'skip' | 'queue';
  @Column('text', { name: 'catch_up' }) catchUp: 'one' | 'none';
  @Column('timestamptz', { name: 'next_run_at', nullable: true }) nextRunAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
