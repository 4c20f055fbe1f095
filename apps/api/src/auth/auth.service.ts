import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { LoginFailureRepository, UserRepository } from '@app/database';
import { BAD_CREDENTIALS, DomainError } from '@app/domain';
import { LoginResponse } from './login.dto';
import { DUMMY_HASH, verifyPassword } from '@app/keys';
import { TokenService } from './token.service';

@Injectable()
export class AuthService {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly users: UserRepository,
    private readonly failures: LoginFailureRepository,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Rate limit first (per username and per address, failures in a sliding window, shared by all api
   * nodes through Postgres), then one answer for unknown user and wrong password alike.
   */
  async login(username: string, password: string, address: string): Promise<LoginResponse> {
    const now = Date.now();
    const windowStart = new Date(now - this.config.loginWindowSeconds * 1000);
    const recent = await this.failures.countSince(username, address, windowStart);
    if (recent.byUser >= this.config.loginMaxFailures || recent.byAddress >= this.config.loginMaxFailures * 5) {
      throw new DomainError('too_many', 'Too many failed login attempts; try again later', undefined, this.config.loginWindowSeconds);
    }
    const user = await this.users.findByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid || !user.account) {
      await this.failures.record(username, address, windowStart);
      throw new DomainError('validation', BAD_CREDENTIALS);
    }
    return {
      userName: user.username,
      accountAlias: user.account.alias,
      locationAlias: user.account.locationAlias,
      roles: user.roles,
      bearerToken: await this.tokens.issue(user.id),
    };
  }

  logout(tokenHash: Buffer): Promise<void> {
    return this.tokens.revoke(tokenHash);
  }
}
