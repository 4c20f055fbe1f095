import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LoginFailure } from './entities';

export type LoginAttempt = { allowed: false } | { allowed: true; id: string };

/**
 * Failed logins, kept in Postgres so the rate limit holds across every api node. Rows older than
 * the window are deleted as new ones arrive.
 */
@Injectable()
export class LoginFailureRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Checks the limits and counts this attempt in one step: under transaction locks on the username
   * and on the address (always in that order), so concurrent attempts cannot all read a count below
   * the limit. The attempt is recorded as a failure up front; forget() takes it back on success.
   * Raw SQL: the locks, the count and the insert are one transaction the entity API has no words for.
   * Limits: per username from this address (so a flood of wrong passwords from elsewhere does not
   * lock the owner out of an address that has not failed), and per address over all usernames.
   */
  async reserve(username: string, address: string, since: Date, limits: { perUserAddress: number; perAddress: number }): Promise<LoginAttempt> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(1, hashtext($1)), pg_advisory_xact_lock(2, hashtext($2))`, [username, address]);
      await em.query(`DELETE FROM login_failures WHERE at < $1`, [since]);
      const [counts] = await em.query(
        `SELECT (SELECT count(*) FROM login_failures WHERE username = $1 AND address = $2)::int AS "byUserAddress",
                (SELECT count(*) FROM login_failures WHERE address = $2)::int AS "byAddress"`,
        [username, address],
      );
      if (counts.byUserAddress >= limits.perUserAddress || counts.byAddress >= limits.perAddress) return { allowed: false } as const;
      const [row] = await em.query(`INSERT INTO login_failures (username, address) VALUES ($1, $2) RETURNING id::text`, [username, address]);
      return { allowed: true, id: row.id } as const;
    });
  }

  /** A reserved attempt that succeeded is no failure. */
  async forget(id: string): Promise<void> {
    await this.dataSource.getRepository(LoginFailure).delete({ id });
  }
}
