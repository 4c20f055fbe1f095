import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { AuthTokenRepository, TokenOwner } from '@app/database';

const PREFIX = 'rnr_';

/** Bearer tokens: 256 random bits, handed out once, stored only as SHA-256. */
@Injectable()
export class TokenService {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly tokens: AuthTokenRepository,
  ) {}

  static hash(token: string): Buffer {
    return createHash('sha256').update(token).digest();
  }

  async issue(userId: string): Promise<string> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const now = new Date();
    await this.tokens.insert({
      tokenHash: TokenService.hash(token),
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.tokenTtlHours * 3600_000),
      revokedAt: null,
    });
    return token;
  }

  async resolve(token: string): Promise<(TokenOwner & { tokenHash: Buffer }) | null> {
    if (!token.startsWith(PREFIX) || token.length > 100) return null;
    const tokenHash = TokenService.hash(token);
    const owner = await this.tokens.findOwner(tokenHash, new Date());
    return owner ? { ...owner, tokenHash } : null;
  }

  revoke(tokenHash: Buffer): Promise<void> {
    return this.tokens.revoke(tokenHash, new Date());
  }
}
