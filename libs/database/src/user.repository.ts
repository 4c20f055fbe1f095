import { AUTH_CHANNEL } from './auth-token.repository';
import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { User } from './entities';

@Injectable()
export class UserRepository {
  private readonly repo: Repository<User>;
  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(User);
  }

  /** With its account, for login (one query). */
  findByUsername(username: string): Promise<User | null> {
    return this.repo.findOne({ where: { username }, relations: { account: true } });
  }

  /** Users of one account, newest first (users_account_idx). */
  pageByAccount(accountId: string, page: number, size: number): Promise<[User[], number]> {
    return this.repo.findAndCount({
      where: { accountId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: page * size,
      take: size,
    });
  }

  findInAccount(accountId: string, username: string): Promise<User | null> {
    return this.repo.findOneBy({ accountId, username });
  }

  /** The tree path of an account (for checks that run outside a request). */
  async accountPathOf(accountId: string): Promise<string | null> {
    const [row] = await this.repo.manager.query(`SELECT path FROM accounts WHERE id = $1`, [accountId]);
    return row?.path ?? null;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }

  /**
   * Replaces the user's roles and tells api nodes (AUTH_CHANNEL), so no node goes on using its
   * cached tokens with the old roles and live sockets are checked again at once.
   */
  async setRoles(id: string, roles: User['roles']): Promise<void> {
    await this.repo.manager.transaction(async (em) => {
      await em.getRepository(User).update({ id }, { roles });
      await em.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANNEL, `user:${id}`]);
    });
  }

  insert(user: User): Promise<unknown> {
    return this.repo.insert(user);
  }

  /** Deletes the user (its tokens with it) and tells api nodes to drop its cached tokens (AUTH_CHANNEL). */
  async delete(id: string): Promise<void> {
    await this.repo.manager.transaction(async (em) => {
      await em.getRepository(User).delete({ id });
      await em.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANNEL, `user:${id}`]);
    });
  }
}
