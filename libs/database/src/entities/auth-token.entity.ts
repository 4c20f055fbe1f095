import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A bearer token, stored only as its SHA-256 so a database dump gives no usable login. */
@Entity('auth_tokens')
export class AuthToken {
  @PrimaryColumn('bytea', { name: 'token_hash' }) tokenHash: Buffer;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
  /** A run's token (README "Runs that call back"): the run it was minted for, revoked when that run ends. */
  @Column('uuid', { name: 'execution_id', nullable: true }) executionId: string | null;
  /** A run's token acts for this account only (the run's), whatever the user's own account covers. */
  @Column('uuid', { name: 'account_id', nullable: true }) accountId: string | null;
}
