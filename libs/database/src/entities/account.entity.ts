import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

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
}
