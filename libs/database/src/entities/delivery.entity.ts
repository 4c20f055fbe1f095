import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One entry of the delivery queue: a status record for a callback URL (webhook), or a finished
 * run's e-mail or chat notice. Written with the record, so a restart loses none.
 */
@Entity('webhook_deliveries')
export class Delivery {
  /** bigserial: pg hands int8 to JavaScript as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'execution_id' }) executionId: string;
  @Column('integer') counter: number;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  /** The queue key: a callback's URL; a chat target's origin and settings; `mailto:` and the recipients. */
  @Column('text') url: string;
  @Column('text') status: 'pending' | 'delivered' | 'failed';
  @Column('integer') attempts: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt: Date;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  /** The callback's level when the record was stored; null for rows from before levels were kept. */
  @Column('text', { nullable: true }) level: string | null;
  @Column('text') kind: 'webhook' | 'email' | 'chat';
  /** For chat: whose settings hold the sealed URL. */
  @Column('text', { name: 'settings_of', nullable: true }) settingsOf: 'job' | 'account' | null;
}
