import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Account, User, UserRepository, isUniqueViolation } from '@app/database';
import { conflict, notFound } from '@app/domain';
import { hashPassword } from '@app/keys';
import { CreateUserRequest } from './user.dto';

@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  page(account: Account, page: number, size: number): Promise<[User[], number]> {
    return this.users.pageByAccount(account.id, page, size);
  }

  async create(account: Account, request: CreateUserRequest): Promise<User> {
    const user: User = {
      id: randomUUID(),
      accountId: account.id,
      username: request.username,
      passwordHash: await hashPassword(request.password),
      roles: request.roles,
      createdAt: new Date(),
    };
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`User ${request.username} already exists`);
      throw error;
    }
    return user;
  }

  async delete(account: Account, username: string, caller: User): Promise<void> {
    const user = await this.users.findInAccount(account.id, username);
    if (!user) throw notFound(`User ${username} in account ${account.alias}`);
    if (user.id === caller.id) throw conflict('You cannot delete your own user');
    await this.users.delete(user.id);
  }
}
