import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per account, its queue and the figures of its runs no worker owns, written only by the trigger on
 * executions (migration 1733700000000-account-queues); read by the claim (execution-queue.ts) and
 * /metrics (execution-reads.ts) in SQL. Declared so the schema has no table without an entity.
 */
@Entity('account_queues')
export class AccountQueue {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @Column('integer') pending: number;
  @Column('integer') owned: number;
  @Column('timestamptz', { name: 'head_queued_at', nullable: true }) headQueuedAt: Date | null;
  @Column('integer', { name: 'ended_success' }) endedSuccess: number;
  @Column('integer', { name: 'ended_failure' }) endedFailure: number;
  @Column('integer', { name: 'ended_init_failure' }) endedInitFailure: number;
  @Column('integer', { name: 'ended_stopped' }) endedStopped: number;
  @Column('integer', { name: 'ended_killed' }) endedKilled: number;
  /** int8: a string in JavaScript. */
  @Column('bigint') records: string;
  @Column('integer', { name: 'duration_count' }) durationCount: number;
  @Column('double precision', { name: 'duration_sum' }) durationSum: number;
  @Column('integer', { name: 'duration_buckets', array: true }) durationBuckets: number[];
}
