import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Account, AuthToken, User } from './entities';

export interface TokenOwner {
  user: User;
  account: Account;
  expiresAt: Date;
}

/** Where a token stands now: what decides whether a socket opened with it may go on. */
export interface TokenStanding {
  tokenHash: Buffer;
  revokedAt: Date | null;
  expiresAt: Date;
  /** Its user's roles now. */
  roles: string[];
}

/**
 * NOTIFY channel telling api nodes to drop a cached token owner: payload `token:<sha256 hex>` when a
 * token is revoked, `user:<id>` when a user is deleted (its tokens go with it).
 */
export const AUTH_CHANNEL = 'runner_auth';

@Injectable()
export class AuthTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: AuthToken): Promise<void> {
    await this.dataSource.getRepository(AuthToken).insert(token);
  }

  /** The user and account behind a live token (primary key lookup), or null if unknown, expired or revoked. */
  async findOwner(tokenHash: Buffer, now: Date): Promise<TokenOwner | null> {
    const { entities, raw } = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoinAndSelect('u.account', 'a')
      .innerJoin(AuthToken, 't', 't.user_id = u.id')
      .addSelect('t.expires_at', 'token_expires_at')
      .where('t.token_hash = :tokenHash AND t.revoked_at IS NULL AND t.expires_at > :now', { tokenHash, now })
      .getRawAndEntities();
    const user = entities[0];
    return user?.account ? { user, account: user.account, expiresAt: new Date(raw[0].token_expires_at) } : null;
  }

  /** Where each of these tokens stands, in one query; a token not returned went with its deleted user. */
  async standing(tokenHashes: Buffer[]): Promise<TokenStanding[]> {
    if (!tokenHashes.length) return [];
    const rows: { token_hash: Buffer; revoked_at: Date | null; expires_at: Date; roles: string[] }[] = await this.dataSource.query(
      `SELECT t.token_hash, t.revoked_at, t.expires_at, u.roles
         FROM auth_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ANY($1::bytea[])`,
      [tokenHashes],
    );
    return rows.map((r) => ({ tokenHash: r.token_hash, revokedAt: r.revoked_at, expiresAt: r.expires_at, roles: r.roles }));
  }

  async revoke(tokenHash: Buffer, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(AuthToken).update({ tokenHash }, { revokedAt: now });
      await em.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANNEL, `token:${tokenHash.toString('hex')}`]);
    });
  }
}
