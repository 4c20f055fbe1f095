import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Failed logins, kept in Postgres so the rate limit holds across every api node.
 * Rows older than the window are deleted as new ones arrive.
 */
@Injectable()
export class LoginFailureRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Failures since `since` for this username and for this address (login_failures_*_idx). */
  async countSince(username: string, address: string, since: Date): Promise<{ byUser: number; byAddress: number }> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM login_failures WHERE username = $1 AND at > $3)::int AS "byUser",
              (SELECT count(*) FROM login_failures WHERE address = $2 AND at > $3)::int AS "byAddress"`,
      [username, address, since],
    );
    return row;
  }

  async record(username: string, address: string, olderThan: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE at < $1`, [olderThan]);
    await this.dataSource.query(`INSERT INTO login_failures (username, address) VALUES ($1, $2)`, [username, address]);
  }
}
