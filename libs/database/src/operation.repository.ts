import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Operation } from './entities';
import type { JsonObject } from './entities';

export const OPERATIONS_CHANNEL = 'runner_operations';

const COLUMNS = `id, account_id AS "accountId", kind, request, status, message, result`;

/** Asynchronous work that is not an execution, queued in Postgres and claimed by workers. */
@Injectable()
export class OperationRepository {
  private readonly repo: Repository<Operation>;
  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(Operation);
  }

  /** Stored and announced in one transaction: a worker woken by the notice finds the row. */
  async enqueue(accountId: string, kind: string, request: JsonObject): Promise<Operation> {
    const operation: Operation = { id: randomUUID(), accountId, kind, request, status: 'notStarted', message: null, result: null };
    await this.dataSource.transaction(async (em) => {
      await em.insert(Operation, { ...operation, createdAt: () => 'now()', updatedAt: () => 'now()' });
      await em.query(`SELECT pg_notify($1, $2)`, [OPERATIONS_CHANNEL, operation.id]);
    });
    return operation;
  }

  find(accountId: string, id: string): Promise<Operation | null> {
    return this.repo.findOneBy({ accountId, id });
  }

  /** The oldest waiting operation, or one whose worker stopped heartbeating (operations_queue_idx); raw SQL for SKIP LOCKED. */
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
    await this.repo.update(id, { status, message, result, owner: null, leaseExpiresAt: null, updatedAt: () => 'now()' });
  }
}
