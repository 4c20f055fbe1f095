import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Keypair {
  accountId: string;
  alias: string;
  type: string;
  publicKey: string;
  fingerprint: string;
  sealedPrivateKey: string | null;
  createdAt: Date;
}

const COLUMNS = `account_id AS "accountId", alias, type, public_key AS "publicKey", fingerprint,
                 sealed_private_key AS "sealedPrivateKey", created_at AS "createdAt"`;

@Injectable()
export class KeypairRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts, or replaces when `replace` (PUT import); returns false when the alias exists and may not be replaced. */
  async save(keypair: Keypair, replace: boolean): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO keypairs (account_id, alias, type, public_key, fingerprint, sealed_private_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account_id, alias) DO ${replace ? `UPDATE SET type = $3, public_key = $4, fingerprint = $5, sealed_private_key = $6` : 'NOTHING'}
       RETURNING alias`,
      [keypair.accountId, keypair.alias, keypair.type, keypair.publicKey, keypair.fingerprint, keypair.sealedPrivateKey, keypair.createdAt],
    );
    return rows.length > 0;
  }

  async find(accountId: string, alias: string): Promise<Keypair | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM keypairs WHERE account_id = $1 AND alias = $2`, [accountId, alias]);
    return row ?? null;
  }

  list(accountId: string): Promise<Keypair[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM keypairs WHERE account_id = $1 ORDER BY created_at DESC, alias`, [accountId]);
  }

  async delete(accountId: string, alias: string): Promise<boolean> {
    const result = await this.dataSource.query(`DELETE FROM keypairs WHERE account_id = $1 AND alias = $2 RETURNING alias`, [accountId, alias]);
    return (Array.isArray(result[0]) ? result[0] : result).length > 0;
  }

  deployedUsernames(accountId: string, alias: string, serverName: string): Promise<string[]> {
    return this.dataSource
      .query(`SELECT username FROM keypair_deployments WHERE account_id = $1 AND keypair_alias = $2 AND server_name = $3 ORDER BY username`, [
        accountId,
        alias,
        serverName,
      ])
      .then((rows: { username: string }[]) => rows.map((r) => r.username));
  }

  /** Where the account's key pairs (or one of them) are installed: per key pair, per server, its users. */
  async deployments(accountId: string, alias?: string): Promise<Map<string, { serverId: string; usernames: string[] }[]>> {
    const rows: { alias: string; server: string; usernames: string[] }[] = await this.dataSource.query(
      `SELECT keypair_alias AS alias, server_name AS server, array_agg(username ORDER BY username) AS usernames
         FROM keypair_deployments WHERE account_id = $1 AND ($2::text IS NULL OR keypair_alias = $2)
        GROUP BY keypair_alias, server_name ORDER BY keypair_alias, server_name`,
      [accountId, alias ?? null],
    );
    const byKeypair = new Map<string, { serverId: string; usernames: string[] }[]>();
    for (const row of rows) {
      const list = byKeypair.get(row.alias) ?? [];
      list.push({ serverId: row.server, usernames: row.usernames });
      byKeypair.set(row.alias, list);
    }
    return byKeypair;
  }

  /** Key pairs known to be installed for `username` on a server: how a later deployment logs in. */
  deployedFor(accountId: string, serverName: string, username: string): Promise<Keypair[]> {
    return this.dataSource.query(
      `SELECT k.account_id AS "accountId", k.alias, k.type, k.public_key AS "publicKey", k.fingerprint,
              k.sealed_private_key AS "sealedPrivateKey", k.created_at AS "createdAt"
         FROM keypairs k JOIN keypair_deployments d ON d.account_id = k.account_id AND d.keypair_alias = k.alias
        WHERE k.account_id = $1 AND d.server_name = $2 AND d.username = $3 AND k.sealed_private_key IS NOT NULL`,
      [accountId, serverName, username],
    );
  }

  async recordDeployment(accountId: string, alias: string, serverName: string, usernames: string[], deployed: boolean): Promise<void> {
    if (deployed) {
      await this.dataSource.query(
        `INSERT INTO keypair_deployments (account_id, keypair_alias, server_name, username) SELECT $1, $2, $3, unnest($4::text[]) ON CONFLICT DO NOTHING`,
        [accountId, alias, serverName, usernames],
      );
    } else {
      await this.dataSource.query(
        `DELETE FROM keypair_deployments WHERE account_id = $1 AND keypair_alias = $2 AND server_name = $3 AND username = ANY($4::text[])`,
        [accountId, alias, serverName, usernames],
      );
    }
  }
}
