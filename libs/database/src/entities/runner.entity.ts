import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A worker process, registered at start and kept fresh by its heartbeat. */
@Entity('runners')
export class Runner {
  @PrimaryColumn('text') id: string;
  @Column('text') host: string;
  @Column('integer') pid: number;
  @Column('integer') slots: number;
  @Column('text') version: string;
  @Column('text') ansible: string;
  @Column('boolean') draining: boolean;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'heartbeat_at' }) heartbeatAt: Date;
}
