import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { NotifySettings } from '@app/domain';

@Entity('accounts')
export class Account {
  @PrimaryColumn('uuid') id: string;
  @Column('text') alias: string;
  @Column('text') name: string;
  @Column('uuid', { name: 'parent_id', nullable: true }) parentId: string | null;
  /** Aliases from the root down to this account, e.g. `/DEMO/SUB/`; prefix match = "at or below". */
  @Column('text') path: string;
  @Column('text', { name: 'location_alias' }) locationAlias: string;
  /** Set by the database (identity): runs of this account get uid RUNNER_SANDBOX_UID_BASE + this. */
  @Column({ type: 'integer', name: 'sandbox_id', insert: false, update: false }) sandboxId?: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  // Not selected by default: an Account travels through the api, and these belong to their own
  // repositories (webhook signing, notification defaults). The sealed ones stay sealed here.
  @Column('text', { name: 'sealed_webhook_secret', nullable: true, select: false }) sealedWebhookSecret?: string | null;
  /** The default `notify` of the account's jobs; its chat URL is STORED_SECRET here, sealed below. */
  @Column('jsonb', { nullable: true, select: false }) notify?: NotifySettings | null;
  @Column('text', { name: 'sealed_notify_chat_url', nullable: true, select: false }) sealedNotifyChatUrl?: string | null;
}
