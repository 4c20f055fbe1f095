import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { Account, AccountRepository, UserRepository, isUniqueViolation } from '@app/database';
import { conflict, Clock } from '@app/domain';
import { hashPassword } from '@app/keys';

@Injectable()
export class AccountsService {
  constructor(
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly accounts: AccountRepository,
    private readonly users: UserRepository,
  ) {}

  async createSubAccount(parent: Account, alias: string, name: string): Promise<Account> {
    const account: Account = {
      id: randomUUID(),
      alias,
      name,
      parentId: parent.id,
      path: `${parent.path}${alias}/`,
      locationAlias: parent.locationAlias,
      createdAt: this.clock.now(),
    };
    try {
      await this.accounts.insert(account);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Account alias ${alias} already exists`);
      throw error;
    }
    return account;
  }

  children(account: Account): Promise<Account[]> {
    return this.accounts.children(account.id);
  }

  parentOf(account: Account): Promise<Account | null> {
    return account.parentId ? this.accounts.findById(account.parentId) : Promise.resolve(null);
  }

  /**
   * First start on an empty database: the root account and its AccountAdmin. Safe when several api
   * nodes start together: the unique alias lets exactly one insert win, and only that one prints.
   */
  async bootstrap(): Promise<void> {
    if ((await this.accounts.count()) > 0) return;
    const root: Account = {
      id: randomUUID(),
      alias: this.config.bootstrapAlias,
      name: this.config.bootstrapAlias,
      parentId: null,
      path: `/${this.config.bootstrapAlias}/`,
      locationAlias: 'LOCAL',
      createdAt: this.clock.now(),
    };
    try {
      await this.accounts.insert(root);
    } catch (error) {
      if (isUniqueViolation(error)) return;
      throw error;
    }
    const generated = this.config.bootstrapPassword === undefined;
    const password = this.config.bootstrapPassword ?? randomBytes(18).toString('base64url');
    await this.users.insert({
      id: randomUUID(),
      accountId: root.id,
      username: this.config.bootstrapUsername,
      passwordHash: await hashPassword(password),
      roles: ['AccountAdmin'],
      createdAt: this.clock.now(),
    });
    this.logger.write('info', 'created the first account and its administrator', {
      accountAlias: root.alias,
      username: this.config.bootstrapUsername,
    });
    if (generated) {
      // Printed once, on purpose, outside the structured log: it is the only way to learn it.
      process.stdout.write(
        `\n=== automation-runner first start ===\n` +
          `account alias: ${root.alias}\nusername:      ${this.config.bootstrapUsername}\npassword:      ${password}\n` +
          `(shown only this once; set RUNNER_BOOTSTRAP_PASSWORD to choose it)\n=====================================\n\n`,
      );
    }
  }
}
