import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { AUTH_CHANNEL, AuthTokenRepository, PgListener, TokenOwner } from '@app/database';
import { BEARER_TOKEN_PREFIX, bearerTokenHash, newBearerToken } from '@app/keys';
import { Clock } from '@app/domain';

const CACHE_ENTRIES = 10_000;

/**
 * Bearer tokens: 256 random bits, handed out once, stored only as SHA-256.
 *
 * Every request resolves its token, so an api node keeps what it looked up for
 * RUNNER_TOKEN_CACHE_SECONDS (default 5). A revoked token or a deleted user is dropped at once on
 * every node: the change NOTIFYs AUTH_CHANNEL, which every node LISTENs to; the expiry only bounds
 * how long a node that missed a notification (its listener was reconnecting) may go on trusting it.
 * The same notifications end live sockets (`onChange`), so a node listens even with no cache.
 */
@Injectable()
export class TokenService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache = new Map<string, { owner: TokenOwner; until: number }>();
  private listener?: PgListener;
  private readonly changeListeners: ((payload: string) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly tokens: AuthTokenRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new PgListener(
      this.config.databaseUrl!,
      [AUTH_CHANNEL],
      (_channel, payload) => {
        this.forget(payload);
        for (const listener of this.changeListeners) listener(payload);
      },
      (error) => {
        // Notifications may be missed while reconnecting: trust nothing cached from before.
        this.cache.clear();
        this.logger.write('warn', 'token listener reconnecting', { error: error.message });
      },
    );
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  static hash(token: string): Buffer {
    return bearerTokenHash(token);
  }

  async issue(userId: string): Promise<string> {
    const token = newBearerToken();
    const now = this.clock.now();
    await this.tokens.insert({
      tokenHash: TokenService.hash(token),
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.tokenTtlHours * 3600_000),
      revokedAt: null,
      executionId: null,
      accountId: null,
    });
    return token;
  }

  async resolve(token: string): Promise<(TokenOwner & { tokenHash: Buffer }) | null> {
    if (!token.startsWith(BEARER_TOKEN_PREFIX) || token.length > 100) return null;
    const tokenHash = TokenService.hash(token);
    const key = tokenHash.toString('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > this.clock.now().getTime()) return { ...cached.owner, tokenHash };
    const owner = await this.tokens.findOwner(tokenHash, this.clock.now());
    // A run's token is never cached: it is revoked in the transaction that ends its run, and must be
    // refused from that moment, not once the NOTIFY has reached this node (one lookup per request
    // of a running playbook is cheap).
    if (owner && !owner.runExecutionId && this.config.tokenCacheSeconds) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      const until = Math.min(this.clock.now().getTime() + this.config.tokenCacheSeconds * 1000, owner.expiresAt.getTime());
      this.cache.set(key, { owner, until });
    }
    return owner ? { ...owner, tokenHash } : null;
  }

  /** Told every AUTH_CHANNEL payload (`token:<hash hex>` or `user:<id>`), from any node, this one included. */
  onChange(listener: (payload: string) => void): void {
    this.changeListeners.push(listener);
  }

  async revoke(tokenHash: Buffer): Promise<void> {
    await this.tokens.revoke(tokenHash, this.clock.now());
    this.forget(`token:${tokenHash.toString('hex')}`);
  }

  /** An AUTH_CHANNEL payload: `token:<hash hex>` or `user:<id>`. */
  forget(payload: string): void {
    const [kind, id] = payload.split(':');
    if (kind === 'token') this.cache.delete(id);
    else if (kind === 'user') for (const [key, entry] of this.cache) if (entry.owner.user.id === id) this.cache.delete(key);
  }
}
