import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { LoginFailureRepository, UserRepository } from '@app/database';
import { BAD_CREDENTIALS, DomainError, Clock } from '@app/domain';
import { LoginResponse } from './login.dto';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '@app/keys';
import { TokenService } from './token.service';

@Injectable()
export class AuthService {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly users: UserRepository,
    private readonly failures: LoginFailureRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  /**
   * Rate limit first (see LoginFailureRepository.reserve: counted before the password is checked,
   * shared by all api nodes), then one answer for unknown user and wrong password alike. A hash of
   * older parameters is replaced once the password proved good.
   */
  async login(username: string, password: string, address: string): Promise<LoginResponse> {
    const windowStart = new Date(this.clock.now().getTime() - this.config.loginWindowSeconds * 1000);
    const attempt = await this.failures.reserve(username, address, windowStart, {
      perUserAddress: this.config.loginMaxFailures,
      perAddress: this.config.loginMaxFailures * 5,
    });
    if (!attempt.allowed) {
      throw new DomainError('too_many', 'Too many failed login attempts; try again later', undefined, this.config.loginWindowSeconds);
    }
    const user = await this.users.findByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid || !user.account) throw new DomainError('validation', BAD_CREDENTIALS);
    await this.failures.forget(attempt.id);
    if (needsRehash(user.passwordHash)) await this.users.setPasswordHash(user.id, await hashPassword(password));
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
