import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Account, AuthToken, User } from './entities';
import { runPrepared } from './prepared';

export interface TokenOwner {
  user: User;
  /** The account the token acts for: its user's, or for a run's token the run's (and only that one). */
  account: Account;
  expiresAt: Date;
  /** Set for a run's token (the run it was minted for): it acts for `account` alone, not the accounts below it. */
  runExecutionId: string | null;
}

/** A token minted by a worker for one run (README "Runs that call back"). */
export interface NewRunToken {
  tokenHash: Buffer;
  /** Who started the run (the service account's user for a schedule): the token has this user's roles. */
  userId: string;
  accountId: string;
  executionId: string;
  expiresAt: Date;
}

/** Where a token stands now: what decides whether a socket opened with it may go on. */
export interface TokenStanding {
  tokenHash: Buffer;
  revokedAt: Date | null;
  expiresAt: Date;
  /** Its user's roles now. */
  roles: string[];
}

/**
 * NOTIFY channel telling api nodes to drop a cached token owner: payload `token:<sha256 hex>` when a
 * token is revoked, `user:<id>` when a user is deleted (its tokens go with it).
 */
export const AUTH_CHANNEL = 'runner_auth';

@Injectable()
export class AuthTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: AuthToken): Promise<void> {
    await this.dataSource.getRepository(AuthToken).insert(token);
  }

  /** The user and account behind a live token (primary key lookup), or null if unknown, expired or revoked. */
  async findOwner(tokenHash: Buffer, now: Date): Promise<TokenOwner | null> {
    const { entities, raw } = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoinAndSelect('u.account', 'a')
      .innerJoin(AuthToken, 't', 't.user_id = u.id')
      .addSelect('t.expires_at', 'token_expires_at')
      .addSelect('t.execution_id', 'token_execution_id')
      .addSelect('t.account_id', 'token_account_id')
      .where('t.token_hash = :tokenHash AND t.revoked_at IS NULL AND t.expires_at > :now', { tokenHash, now })
      .getRawAndEntities();
    const user = entities[0];
    if (!user?.account) return null;
    const expiresAt = new Date(raw[0].token_expires_at);
    const runExecutionId: string | null = raw[0].token_execution_id ?? null;
    if (!runExecutionId) return { user, account: user.account, expiresAt, runExecutionId };
    // A run's token acts for the run's account, which may be below its user's (an admin's run in a sub-account).
    const account = await this.dataSource.getRepository(Account).findOneBy({ id: raw[0].token_account_id });
    return account ? { user, account, expiresAt, runExecutionId } : null;
  }

  /**
   * Stores a run's token. An earlier attempt's token of the same run is left alone here (its worker
   * may have lost the lease and revokes its own as it stops; the run's end revokes every one), so a
   * worker that does not know yet that it lost the run cannot revoke the new owner's token.
   */
  async insertRunToken(token: NewRunToken, now: Date): Promise<void> {
    await this.dataSource.getRepository(AuthToken).insert({ ...token, createdAt: now, revokedAt: null });
  }

  /** Revokes one run's token when its worker is done with the run (a no-op if its end revoked it already). */
  async revokeRunToken(tokenHash: Buffer, now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH revoked AS (
         UPDATE auth_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING token_hash
       ) SELECT pg_notify($3, 'token:' || encode(token_hash, 'hex')) FROM revoked`,
      [tokenHash, now, AUTH_CHANNEL],
    );
  }

  /** Where each of these tokens stands, in one query; a token not returned went with its deleted user. */
  async standing(tokenHashes: Buffer[]): Promise<TokenStanding[]> {
    if (!tokenHashes.length) return [];
    const rows: { token_hash: Buffer; revoked_at: Date | null; expires_at: Date; roles: string[] }[] = await this.dataSource.query(
      `SELECT t.token_hash, t.revoked_at, t.expires_at, u.roles
         FROM auth_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ANY($1::bytea[])`,
      [tokenHashes],
    );
    return rows.map((r) => ({ tokenHash: r.token_hash, revokedAt: r.revoked_at, expiresAt: r.expires_at, roles: r.roles }));
  }

  async revoke(tokenHash: Buffer, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(AuthToken).update({ tokenHash }, { revokedAt: now });
      await em.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANNEL, `token:${tokenHash.toString('hex')}`]);
    });
  }
}

/**
 * Revokes the live tokens of a run, inside the caller's transaction (ExecutionWriter.change
 * calls it with the change that ends the run, so the token is refused from the moment the run has
 * ended), and tells every api node (AUTH_CHANNEL; live sockets opened with it are closed).
 */
export async function revokeRunTokens(em: EntityManager, executionId: string, now: Date): Promise<void> {
  // auth_tokens_execution_idx; one prepared statement, as it runs with every run's end.
  await runPrepared(
    em,
    `WITH revoked AS (
       UPDATE auth_tokens SET revoked_at = $2 WHERE execution_id = $1 AND revoked_at IS NULL RETURNING token_hash
     ) SELECT pg_notify($3, 'token:' || encode(token_hash, 'hex')) FROM revoked`,
    [executionId, now, AUTH_CHANNEL],
  );
}
