import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { JsonLogger, loadConfig } from '@app/config';
import { Account, AuthTokenRepository, createDataSource, UserRepository } from '@app/database';
import { SystemClock } from '@app/domain';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { UsersService } from '../../apps/api/src/users/users.service';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * A change of a user's roles, or its deletion, holds for the user's very next request on the node
 * that made it, whatever its token cache holds. Here the node's listener is never started: the
 * NOTIFY that also drops the cache is as late as it can be (e2e/tenancy.test.ts failed once in CI
 * when a request after the answer beat the NOTIFY to the cache).
 */
describe('a user changed on this node', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let dataDir: string;
  let tokens: TokenService;
  let users: UsersService;
  const account = { id: randomUUID(), alias: 'UC' } as Account;
  const admin = { id: randomUUID(), roles: ['AccountAdmin'] } as never;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, 2).initialize();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-user-changes-'));
    const config = loadConfig({ DATABASE_URL: db.url, RUNNER_DATA_DIR: dataDir, RUNNER_SANDBOX: 'off', RUNNER_TOKEN_CACHE_SECONDS: '600' });
    const clock = new SystemClock();
    tokens = new TokenService(clock, config, new JsonLogger('user-changes-test', 'warn'), new AuthTokenRepository(dataSource));
    users = new UsersService(new UserRepository(dataSource), clock, tokens);
    await db.query(`INSERT INTO accounts (id, alias, name, path, location_alias) VALUES ($1, 'UC', 'UC', '/UC/', 'X')`, [account.id]);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function userWithToken(username: string): Promise<string> {
    const userId = randomUUID();
    await db.query(`INSERT INTO users (id, account_id, username, password_hash, roles) VALUES ($1, $2, $3, 'x', '{AccountViewer}')`, [userId, account.id, username]);
    const token = await tokens.issue(userId);
    expect((await tokens.resolve(token))?.user.roles).toEqual(['AccountViewer']); // now cached
    return token;
  }

  it('serves the new roles at once', async () => {
    const token = await userWithToken('promoted');
    await users.setRoles(account, 'promoted', ['ServerAdmin'], admin);
    expect((await tokens.resolve(token))?.user.roles).toEqual(['ServerAdmin']);
  });

  it('refuses a deleted user\'s token at once', async () => {
    const token = await userWithToken('leaving');
    await users.delete(account, 'leaving', admin);
    expect(await tokens.resolve(token)).toBeNull();
  });
});
