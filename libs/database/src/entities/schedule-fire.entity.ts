import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One fire time of a schedule: its primary key makes a fire start exactly one execution. */
@Entity('schedule_fires')
export class ScheduleFire {
  @PrimaryColumn('uuid', { name: 'schedule_id' }) scheduleId: string;
  @PrimaryColumn('timestamptz', { name: 'fire_time' }) fireTime: Date;
  @Column('uuid', { name: 'execution_id', nullable: true }) executionId: string | null;
  @Column('text') outcome: string;
}
