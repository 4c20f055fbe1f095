import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from './database-errors';

export type VpnStatus = 'up' | 'down' | 'unknown';

export interface VpnConnection {
  id: string;
  accountId: string;
  name: string;
  /** Canonical CIDR texts, as PostgreSQL's cidr type prints them. */
  networks: string[];
  gatewayHost: string;
  gatewayPort: number;
  gatewayUsername: string;
  keyPairAlias: string;
  status: VpnStatus;
  statusMessage: string | null;
  lastCheckedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, account_id AS "accountId", name, networks::text[] AS networks, gateway_host AS "gatewayHost",
  gateway_port AS "gatewayPort", gateway_username AS "gatewayUsername", key_pair_alias AS "keyPairAlias", status,
  status_message AS "statusMessage", last_checked_at AS "lastCheckedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** `others` are the account's other connections; the check throws to refuse the write. */
export type OverlapCheck = (others: VpnConnection[]) => void;

@Injectable()
export class VpnConnectionRepository {
  constructor(private readonly dataSource: DataSource) {}

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
          await em.query(
            `INSERT INTO vpn_connections (id, account_id, name, networks, gateway_host, gateway_port, gateway_username, key_pair_alias, status, status_message, last_checked_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4::cidr[], $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
            [c.id, c.accountId, c.name, c.networks, c.gatewayHost, c.gatewayPort, c.gatewayUsername, c.keyPairAlias, c.status, c.statusMessage, c.lastCheckedAt, c.createdAt, c.updatedAt],
          );
          return 'ok';
        }
        const result = await em.query(
          `UPDATE vpn_connections SET name = $3, networks = $4::cidr[], gateway_host = $5, gateway_port = $6, gateway_username = $7, key_pair_alias = $8,
                  status = $9, status_message = $10, last_checked_at = $11, updated_at = $12
            WHERE account_id = $1 AND id = $2 RETURNING id`,
          [c.accountId, c.id, c.name, c.networks, c.gatewayHost, c.gatewayPort, c.gatewayUsername, c.keyPairAlias, c.status, c.statusMessage, c.lastCheckedAt, c.updatedAt],
        );
        return (Array.isArray(result[0]) ? result[0] : result).length ? 'ok' : 'missing';
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  async find(accountId: string, id: string): Promise<VpnConnection | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM vpn_connections WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return row ?? null;
  }

  /** vpn_connections_account_created_idx: newest first. */
  async page(accountId: string, page: number, size: number): Promise<[VpnConnection[], number]> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(`SELECT ${COLUMNS} FROM vpn_connections WHERE account_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`, [accountId, size, page * size]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM vpn_connections WHERE account_id = $1`, [accountId]),
    ]);
    return [rows, n];
  }

  /** Every connection of the account: what a run routes its hosts through. */
  all(accountId: string): Promise<VpnConnection[]> {
    return this.listIn(this.dataSource.manager, accountId, null);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.query(`DELETE FROM vpn_connections WHERE account_id = $1 AND id = $2 RETURNING id`, [accountId, id]);
    return (Array.isArray(result[0]) ? result[0] : result).length > 0;
  }

  /** The outcome of the latest gateway check (a `test` call or a run's preparation). */
  async recordCheck(accountId: string, id: string, status: VpnStatus, message: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE vpn_connections SET status = $3, status_message = $4, last_checked_at = $5
        WHERE account_id = $1 AND id = $2 AND (last_checked_at IS NULL OR last_checked_at <= $5)`,
      [accountId, id, status, message, at],
    );
  }

  private listIn(em: EntityManager, accountId: string, except: string | null): Promise<VpnConnection[]> {
    return em.query(`SELECT ${COLUMNS} FROM vpn_connections WHERE account_id = $1 AND ($2::uuid IS NULL OR id <> $2) ORDER BY name`, [accountId, except]);
  }
}
