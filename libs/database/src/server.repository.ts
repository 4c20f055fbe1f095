import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JsonObject } from './entities';

export interface Server {
  accountId: string;
  name: string;
  description: string;
  ipAddress: string;
  port: number;
  group: string;
  locationId: string | null;
  os: string | null;
  username: string;
  sealedPassword: string | null;
  /** Secret variables (ansible_password, ...) show as "$encrypted$" here; see sealedHostVars. */
  hostVars: JsonObject;
  /** The values of the secret hostVars, sealed as one JSON object; null when there are none. */
  sealedHostVars: string | null;
  /** The host key seen on first contact (`type base64`), null before any. */
  hostKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `account_id AS "accountId", name, description, ip_address AS "ipAddress", port, group_name AS "group",
  location_id AS "locationId", os, username, sealed_password AS "sealedPassword", host_vars AS "hostVars",
  sealed_host_vars AS "sealedHostVars", host_key AS "hostKey", created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class ServerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** false when a server of that name exists in the account. */
  async insert(s: Server): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO servers (account_id, name, description, ip_address, port, group_name, location_id, os, username, sealed_password, host_vars, sealed_host_vars, host_key, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $13) ON CONFLICT DO NOTHING RETURNING name`,
      [s.accountId, s.name, s.description, s.ipAddress, s.port, s.group, s.locationId, s.os, s.username, s.sealedPassword, JSON.stringify(s.hostVars), s.sealedHostVars, s.createdAt],
    );
    return rows.length > 0;
  }

  async update(s: Server): Promise<void> {
    await this.dataSource.query(
      `UPDATE servers SET description = $3, ip_address = $4, port = $5, group_name = $6, location_id = $7, os = $8, username = $9,
              sealed_password = $10, host_vars = $11, sealed_host_vars = $12, updated_at = now() WHERE account_id = $1 AND name = $2`,
      [s.accountId, s.name, s.description, s.ipAddress, s.port, s.group, s.locationId, s.os, s.username, s.sealedPassword, JSON.stringify(s.hostVars), s.sealedHostVars],
    );
  }

  async find(accountId: string, name: string): Promise<Server | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM servers WHERE account_id = $1 AND name = $2`, [accountId, name]);
    return row ?? null;
  }

  /** servers_account_created_idx: newest first. */
  async page(accountId: string, page: number, size: number): Promise<[Server[], number]> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(`SELECT ${COLUMNS} FROM servers WHERE account_id = $1 ORDER BY created_at DESC, name LIMIT $2 OFFSET $3`, [accountId, size, page * size]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM servers WHERE account_id = $1`, [accountId]),
    ]);
    return [rows, n];
  }

  all(accountId: string): Promise<Server[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM servers WHERE account_id = $1 ORDER BY name`, [accountId]);
  }

  async delete(accountId: string, name: string): Promise<boolean> {
    const result = await this.dataSource.query(`DELETE FROM servers WHERE account_id = $1 AND name = $2 RETURNING name`, [accountId, name]);
    return (Array.isArray(result[0]) ? result[0] : result).length > 0;
  }

  /** Remembers the host key on first contact (first writer wins); returns the key now on record. */
  async rememberHostKey(accountId: string, name: string, hostKey: string): Promise<string> {
    await this.dataSource.query(`UPDATE servers SET host_key = $3 WHERE account_id = $1 AND name = $2 AND host_key IS NULL`, [accountId, name, hostKey]);
    const [row] = await this.dataSource.query(`SELECT host_key FROM servers WHERE account_id = $1 AND name = $2`, [accountId, name]);
    return row?.host_key ?? hostKey;
  }
}
