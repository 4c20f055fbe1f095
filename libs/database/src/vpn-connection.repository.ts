import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not, Repository } from 'typeorm';
import { isUniqueViolation } from './database-errors';
import { VpnConnection, VpnStatus } from './entities';

/** `others` are the account's other connections; the check throws to refuse the write. */
export type OverlapCheck = (others: VpnConnection[]) => void;

@Injectable()
export class VpnConnectionRepository {
  private readonly repo: Repository<VpnConnection>;
  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(VpnConnection);
  }

  /**
   * Inserts or replaces a connection after `check` accepted its networks against the account's
   * others. A per-account transaction lock serialises writers, so two concurrent requests cannot
   * both add overlapping networks. 'duplicate' when another connection has the name.
   */
  async write(c: VpnConnection, mode: 'insert' | 'update', check: OverlapCheck): Promise<'ok' | 'missing' | 'duplicate'> {
    try {
      return await this.dataSource.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(hashtext('vpn_connections:' || $1))`, [c.accountId]);
        check(await this.listIn(em, c.accountId, c.id));
        if (mode === 'insert') {
          await em.insert(VpnConnection, c);
          return 'ok';
        }
        const { name, networks, gatewayHost, gatewayPort, gatewayUsername, keyPairAlias, status, statusMessage, lastCheckedAt, updatedAt } = c;
        const result = await em.update(
          VpnConnection,
          { accountId: c.accountId, id: c.id },
          { name, networks, gatewayHost, gatewayPort, gatewayUsername, keyPairAlias, status, statusMessage, lastCheckedAt, updatedAt },
        );
        return result.affected ? 'ok' : 'missing';
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  find(accountId: string, id: string): Promise<VpnConnection | null> {
    return this.repo.findOneBy({ accountId, id });
  }

  /** vpn_connections_account_created_idx: newest first. */
  page(accountId: string, page: number, size: number): Promise<[VpnConnection[], number]> {
    return this.repo.findAndCount({ where: { accountId }, order: { createdAt: 'DESC', id: 'ASC' }, take: size, skip: page * size });
  }

  /** Every connection of the account: what a run routes its hosts through. */
  all(accountId: string): Promise<VpnConnection[]> {
    return this.listIn(this.dataSource.manager, accountId, null);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    return Boolean((await this.repo.delete({ accountId, id })).affected);
  }

  /** The outcome of the latest gateway check (a `test` call or a run's preparation); an older check never overwrites a newer one. */
  async recordCheck(accountId: string, id: string, status: VpnStatus, message: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE vpn_connections SET status = $3, status_message = $4, last_checked_at = $5
        WHERE account_id = $1 AND id = $2 AND (last_checked_at IS NULL OR last_checked_at <= $5)`,
      [accountId, id, status, message, at],
    );
  }

  private listIn(em: EntityManager, accountId: string, except: string | null): Promise<VpnConnection[]> {
    return em.find(VpnConnection, { where: { accountId, ...(except ? { id: Not(except) } : {}) }, order: { name: 'ASC' } });
  }
}
