import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JsonObject } from './entities';

export type OperationStatus = 'notStarted' | 'executing' | 'succeeded' | 'failed';

export interface Operation {
  id: string;
  accountId: string;
  kind: string;
  request: JsonObject;
  status: OperationStatus;
  message: string | null;
  result: JsonObject | null;
}

export const OPERATIONS_CHANNEL = 'runner_operations';

const COLUMNS = `id, account_id AS "accountId", kind, request, status, message, result`;

/** Asynchronous work that is not an execution, queued in Postgres and claimed by workers. */
@Injectable()
export class OperationRepository {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(accountId: string, kind: string, request: JsonObject): Promise<Operation> {
    const id = randomUUID();
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO operations (id, account_id, kind, request, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'notStarted', now(), now())`,
        [id, accountId, kind, JSON.stringify(request)],
      );
      await em.query(`SELECT pg_notify($1, $2)`, [OPERATIONS_CHANNEL, id]);
    });
    return { id, accountId, kind, request, status: 'notStarted', message: null, result: null };
  }

  async find(accountId: string, id: string): Promise<Operation | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM operations WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return row ?? null;
  }

  /** The oldest waiting operation, or one whose worker stopped heartbeating (operations_queue_idx). */
  async claim(owner: string, leaseSeconds: number): Promise<Operation | null> {
    const result = await this.dataSource.query(
      `UPDATE operations SET status = 'executing', owner = $1, lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
        WHERE id = (SELECT id FROM operations
                     WHERE status = 'notStarted' OR (status = 'executing' AND lease_expires_at < now())
                     ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [owner, leaseSeconds],
    );
    const rows = Array.isArray(result[0]) ? result[0] : result;
    return rows[0] ?? null;
  }

  async finish(id: string, status: 'succeeded' | 'failed', message: string, result: JsonObject): Promise<void> {
    await this.dataSource.query(
      `UPDATE operations SET status = $2, message = $3, result = $4, owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $1`,
      [id, status, message, JSON.stringify(result)],
    );
  }
}
