import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** SSH host keys per account, as known_hosts lines: first contact adds, a changed key is refused by ssh. */
@Injectable()
export class KnownHostRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lines(accountId: string): Promise<string[]> {
    const rows: { line: string }[] = await this.dataSource.query(
      `SELECT line FROM known_hosts WHERE account_id = $1 ORDER BY created_at, line`,
      [accountId],
    );
    return rows.map((r) => r.line);
  }

  async remember(accountId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO known_hosts (account_id, line) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [accountId, lines],
    );
  }
}
