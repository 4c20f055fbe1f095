import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { AuthTokenRepository } from '@app/database';
import { Clock } from '@app/domain';
import { TokenService } from '../auth/token.service';
import { whyAuthorityEnded } from './authority';

/** What a socket was let in with. */
export interface SocketGrant {
  tokenHash: Buffer;
  userId: string;
  expiresAt: Date;
}

interface Watched extends SocketGrant {
  tokenHex: string;
  timer?: NodeJS.Timeout;
}

/** setTimeout fires at once beyond this (about 24.8 days); a longer life is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends a live socket, telling the client why (event `unauthorized`, `{message}`), once the authority
 * it was let in with ends: its token revoked or expired, its user deleted or left without a role
 * that may read. Three triggers, one check (one query for the tokens concerned):
 * - revocations and user deletions already NOTIFY AUTH_CHANNEL, which every api node LISTENs to
 *   (TokenService), so they end sockets on every node at once, whichever node made the change;
 * - the expiry is known at the handshake: a timer per socket, no query needed;
 * - a sweep of every socket of this node, every RUNNER_TOKEN_CACHE_SECONDS (the bound an HTTP request
 *   gets too), for what sends no notification: a notification lost while the listener reconnected,
 *   and roles, which no endpoint changes (an operator does, in the database).
 * The sweep alone would be correct but late by its interval; notifications alone would miss those.
 */
@Injectable()
export class SocketAuthority implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly watched = new Map<Socket, Watched>();
  private sweep?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly tokens: TokenService,
    private readonly standing: AuthTokenRepository,
  ) {
    tokens.onChange((payload) => this.changed(payload));
  }

  onApplicationBootstrap(): void {
    const seconds = Math.max(1, this.config.tokenCacheSeconds);
    this.sweep = setInterval(() => void this.sweepAll(), seconds * 1000);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    for (const entry of this.watched.values()) clearTimeout(entry.timer);
    this.watched.clear();
  }

  /** From the handshake until the socket disconnects. */
  watch(socket: Socket, grant: SocketGrant): void {
    const entry: Watched = { ...grant, tokenHex: grant.tokenHash.toString('hex') };
    this.watched.set(socket, entry);
    this.armExpiry(socket, entry);
    socket.once('disconnect', () => {
      clearTimeout(entry.timer);
      this.watched.delete(socket);
    });
  }

  private armExpiry(socket: Socket, entry: Watched): void {
    const left = entry.expiresAt.getTime() - this.clock.now().getTime();
    if (left > MAX_TIMER_MS) {
      entry.timer = setTimeout(() => this.armExpiry(socket, entry), MAX_TIMER_MS);
      return;
    }
    entry.timer = setTimeout(() => this.end(socket, 'token expired'), Math.max(left, 0));
  }

  /** An AUTH_CHANNEL payload: `token:<hash hex>` or `user:<id>`; only the sockets it names are checked. */
  private changed(payload: string): void {
    const [kind, id] = payload.split(':');
    const concerned = [...this.watched].filter(([, w]) => (kind === 'token' ? w.tokenHex === id : kind === 'user' && w.userId === id));
    if (concerned.length) void this.check(concerned);
  }

  private async sweepAll(): Promise<void> {
    if (this.sweeping || !this.watched.size) return;
    this.sweeping = true;
    try {
      await this.check([...this.watched]);
    } finally {
      this.sweeping = false;
    }
  }

  private async check(sockets: [Socket, Watched][]): Promise<void> {
    try {
      const hashes = [...new Map(sockets.map(([, w]) => [w.tokenHex, w.tokenHash])).values()];
      const rows = new Map((await this.standing.standing(hashes)).map((row) => [row.tokenHash.toString('hex'), row]));
      const now = this.clock.now();
      for (const [socket, w] of sockets) {
        const why = whyAuthorityEnded(rows.get(w.tokenHex), now);
        if (why) this.end(socket, why);
      }
    } catch (error) {
      // Database unreachable: sockets go on (their records cannot flow either); the next sweep decides.
      this.logger.write('warn', 'could not re-check socket tokens', { error: (error as Error).message });
    }
  }

  /** Tell, then disconnect: the packets leave in this order, and "io server disconnect" stops the client's retries. */
  private end(socket: Socket, why: string): void {
    if (!this.watched.has(socket)) return;
    this.logger.write('info', 'live socket ended', { why, socket: socket.id });
    socket.emit('unauthorized', { message: `unauthorized: ${why}` });
    socket.disconnect();
  }
}
