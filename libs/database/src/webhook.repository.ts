import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StatusRecord } from './entities';

export interface WebhookDelivery {
  id: string;
  executionId: string;
  counter: number;
  accountId: string;
  url: string;
  attempts: number;
}

@Injectable()
export class WebhookRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases the due head delivery of each URL (order is kept per URL: a later record waits for the
   * earlier one). The lease is re-checked on the row itself, so two workers never take the same one.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<WebhookDelivery[]> {
    const result = await this.dataSource.query(
      `WITH heads AS (
         SELECT DISTINCT ON (url) id FROM webhook_deliveries WHERE status = 'pending' ORDER BY url, id)
       UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
         FROM (SELECT id FROM heads LIMIT $1) h
        WHERE d.id = h.id AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
        RETURNING d.id::text AS id, d.execution_id AS "executionId", d.counter, d.account_id AS "accountId", d.url, d.attempts`,
      [limit, leaseSeconds],
    );
    return Array.isArray(result[0]) ? result[0] : result;
  }

  async record(delivery: WebhookDelivery): Promise<StatusRecord | null> {
    return this.dataSource.getRepository(StatusRecord).findOneBy({ executionId: delivery.executionId, counter: delivery.counter });
  }

  async delivered(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET status = 'delivered', lease_until = NULL, last_error = NULL WHERE id = $1`, [id]);
  }

  /** Retry later with backoff, or give up after the last attempt. */
  async failed(id: string, error: string, retryInSeconds: number | null): Promise<void> {
    await this.dataSource.query(
      retryInSeconds === null
        ? `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1`
        : `UPDATE webhook_deliveries SET lease_until = NULL, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
      retryInSeconds === null ? [id, error.slice(0, 1000)] : [id, error.slice(0, 1000), retryInSeconds],
    );
  }

  /** The account's sealed signing secret, created on first use (first writer wins). */
  async sealedSecret(accountId: string, seal: (secret: string) => string): Promise<string> {
    await this.dataSource.query(`UPDATE accounts SET sealed_webhook_secret = $2 WHERE id = $1 AND sealed_webhook_secret IS NULL`, [
      accountId,
      seal(randomBytes(32).toString('hex')),
    ]);
    const [row] = await this.dataSource.query(`SELECT sealed_webhook_secret FROM accounts WHERE id = $1`, [accountId]);
    return row.sealed_webhook_secret;
  }

  async rotateSecret(accountId: string, sealed: string): Promise<void> {
    await this.dataSource.query(`UPDATE accounts SET sealed_webhook_secret = $2 WHERE id = $1`, [accountId, sealed]);
  }
}
