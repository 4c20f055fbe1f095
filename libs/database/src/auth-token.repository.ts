import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Account, AuthToken, User } from './entities';

export interface TokenOwner {
  user: User;
  account: Account;
}

@Injectable()
export class AuthTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: AuthToken): Promise<void> {
    await this.dataSource.getRepository(AuthToken).insert(token);
  }

  /** The user and account behind a live token (primary key lookup), or null if unknown, expired or revoked. */
  async findOwner(tokenHash: Buffer, now: Date): Promise<TokenOwner | null> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoinAndSelect('u.account', 'a')
      .innerJoin(AuthToken, 't', 't.user_id = u.id')
      .where('t.token_hash = :tokenHash AND t.revoked_at IS NULL AND t.expires_at > :now', { tokenHash, now })
      .getOne();
    return user?.account ? { user, account: user.account } : null;
  }

  async revoke(tokenHash: Buffer, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(AuthToken)
      .update({ tokenHash }, { revokedAt: now });
  }
}
