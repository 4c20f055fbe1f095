import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Account, User, UserRepository, isUniqueViolation } from '@app/database';
import { conflict, forbidden, notFound, type Role, rolesWithin, Clock } from '@app/domain';
import { hashPassword } from '@app/keys';
import { TokenService } from '../auth/token.service';
import { CreateUserRequest } from './user.dto';

/**
 * A change of a user's roles, or its deletion, reaches the user's next request on this node at once:
 * this node's cached tokens of the user are dropped before the answer goes out (the NOTIFY that tells
 * every node, this one included, arrives a moment later, and a request sent right after the answer
 * could be served from the cache before it).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
  ) {}

  page(account: Account, page: number, size: number): Promise<[User[], number]> {
    return this.users.pageByAccount(account.id, page, size);
  }

  async create(account: Account, request: CreateUserRequest, caller: User): Promise<User> {
    checkGrant(caller, request.roles);
    const user: User = {
      id: randomUUID(),
      accountId: account.id,
      username: request.username,
      passwordHash: await hashPassword(request.password),
      roles: request.roles,
      createdAt: this.clock.now(),
    };
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`User ${request.username} already exists`);
      throw error;
    }
    return user;
  }

  /** Replaces a user's roles: not one's own (an admin could lock the account out), never above the caller's. */
  async setRoles(account: Account, username: string, roles: Role[], caller: User): Promise<User> {
    checkGrant(caller, roles);
    const user = await this.users.findInAccount(account.id, username);
    if (!user) throw notFound(`User ${username} in account ${account.alias}`);
    if (user.id === caller.id) throw conflict('You cannot change your own roles');
    await this.users.setRoles(user.id, roles);
    this.tokens.forget(`user:${user.id}`);
    return { ...user, roles };
  }

  async delete(account: Account, username: string, caller: User): Promise<void> {
    const user = await this.users.findInAccount(account.id, username);
    if (!user) throw notFound(`User ${username} in account ${account.alias}`);
    if (user.id === caller.id) throw conflict('You cannot delete your own user');
    await this.users.delete(user.id);
    this.tokens.forget(`user:${user.id}`);
  }
}

function checkGrant(caller: User, roles: Role[]): void {
  if (!rolesWithin(caller.roles, roles)) throw forbidden(`Your roles (${caller.roles.join(', ')}) may not grant ${roles.join(', ')}`);
}
