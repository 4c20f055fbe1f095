import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from './job.entity';

/** One step of a run, stored before it is announced. */
@Entity('status_records')
export class StatusRecord {
  @PrimaryColumn('uuid', { name: 'execution_id' }) executionId: string;
  @PrimaryColumn('integer') counter: number;
  @Column('uuid') id: string;
  @Column('uuid', { name: 'job_id' }) jobId: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('timestamptz') timestamp: Date;
  @Column('text', { nullable: true }) uuid: string | null;
  @Column('text', { name: 'parent_uuid', nullable: true }) parentUuid: string | null;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('text', { nullable: true }) host: string | null;
  @Column('text', { nullable: true }) play: string | null;
  @Column('text', { nullable: true }) task: string | null;
  @Column('boolean') failed: boolean;
  @Column('boolean') changed: boolean;
  @Column('text', { nullable: true }) message: string | null;
  @Column('text', { nullable: true }) stdout: string | null;
  @Column('jsonb', { name: 'event_data', nullable: true }) eventData: JsonObject | null;
}

/** A record before it has a counter: what writers hand to appendRecords. */
export type NewStatusRecord = Omit<StatusRecord, 'executionId' | 'counter' | 'id' | 'jobId' | 'accountId'>;
