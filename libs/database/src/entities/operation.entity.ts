import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from './job.entity';

export type OperationStatus = 'notStarted' | 'executing' | 'succeeded' | 'failed';

/** Asynchronous work that is not an execution (key deployment), queued and claimed by workers. */
@Entity('operations')
export class Operation {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') kind: string;
  @Column('jsonb') request: JsonObject;
  @Column('text') status: OperationStatus;
  @Column('text', { nullable: true }) message: string | null;
  @Column('jsonb', { nullable: true }) result: JsonObject | null;
  // The queue's own bookkeeping, not part of what an operation says: not selected by default.
  @Column('text', { nullable: true, select: false }) owner?: string | null;
  @Column('timestamptz', { name: 'lease_expires_at', nullable: true, select: false }) leaseExpiresAt?: Date | null;
  @Column('timestamptz', { name: 'created_at', select: false }) createdAt?: Date;
  @Column('timestamptz', { name: 'updated_at', select: false }) updatedAt?: Date;
}
