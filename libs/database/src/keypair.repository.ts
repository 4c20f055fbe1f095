import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { Keypair, KeypairDeployment } from './entities';

@Injectable()
export class KeypairRepository {
  private readonly keypairs: Repository<Keypair>;
  private readonly deploymentRows: Repository<KeypairDeployment>;
  constructor(private readonly dataSource: DataSource) {
    this.keypairs = dataSource.getRepository(Keypair);
    this.deploymentRows = dataSource.getRepository(KeypairDeployment);
  }

  /**
   * Inserts, or replaces when `replace` (PUT import); returns false when the alias exists and may not be replaced.
   * One statement (ON CONFLICT), so two concurrent imports of an alias cannot both insert.
   */
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

  find(accountId: string, alias: string): Promise<Keypair | null> {
    return this.keypairs.findOneBy({ accountId, alias });
  }

  list(accountId: string): Promise<Keypair[]> {
    return this.keypairs.find({ where: { accountId }, order: { createdAt: 'DESC', alias: 'ASC' } });
  }

  async delete(accountId: string, alias: string): Promise<boolean> {
    return Boolean((await this.keypairs.delete({ accountId, alias })).affected);
  }

  async deployedUsernames(accountId: string, alias: string, serverName: string): Promise<string[]> {
    const rows = await this.deploymentRows.find({ where: { accountId, keypairAlias: alias, serverName }, order: { username: 'ASC' } });
    return rows.map((r) => r.username);
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
    return this.keypairs
      .createQueryBuilder('k')
      .innerJoin(KeypairDeployment, 'd', 'd.accountId = k.accountId AND d.keypairAlias = k.alias')
      .where('k.accountId = :accountId AND d.serverName = :serverName AND d.username = :username', { accountId, serverName, username })
      .andWhere('k.sealedPrivateKey IS NOT NULL')
      .getMany();
  }

  async recordDeployment(accountId: string, alias: string, serverName: string, usernames: string[], deployed: boolean): Promise<void> {
    if (usernames.length === 0) return;
    if (!deployed) {
      await this.deploymentRows.delete({ accountId, keypairAlias: alias, serverName, username: In(usernames) });
      return;
    }
    const rows = usernames.map((username) => ({ accountId, keypairAlias: alias, serverName, username }));
    await this.deploymentRows.createQueryBuilder().insert().values(rows).orIgnore().execute();
  }
}
