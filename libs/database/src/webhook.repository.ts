import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { Account, Delivery, StatusRecord } from './entities';

/** A claimed entry of the delivery queue: what sending it needs. */
export type WebhookDelivery = Pick<Delivery, 'id' | 'executionId' | 'counter' | 'accountId' | 'url' | 'attempts' | 'kind' | 'settingsOf'>;

/** One webhook delivery of a status record, as the status API shows it (the Runner's `notifications`). */
export interface RecordNotification {
  url: string;
  /** The callback's level when the record was stored; null for deliveries stored before levels were kept. */
  level: string | null;
  state: 'pending' | 'delivered' | 'failed';
}

@Injectable()
export class WebhookRepository {
  private readonly deliveries: Repository<Delivery>;
  private readonly accounts: Repository<Account>;
  constructor(private readonly dataSource: DataSource) {
    this.deliveries = dataSource.getRepository(Delivery);
    this.accounts = dataSource.getRepository(Account);
  }

  /**
   * Leases up to `limit` due deliveries, chosen fairly before the limit is applied:
   * - only the head of each account's queue for a URL (order is kept per account and URL: a later
   *   record waits for the earlier one), and only heads that are due and not leased, so heads that
   *   cannot be sent take no place. Per account: with one queue per URL, an account whose
   *   deliveries a shared endpoint refused (retried for minutes, 10 times each) held up every other
   *   account's to that URL;
   * - at most `perHost` in flight per host (host name and port, counting leases held by every
   *   worker), so many URLs on one slow host cannot take every place; every e-mail goes to the
   *   service's one SMTP server, so e-mails count as one host (`email`);
   * - round robin across accounts (an account's turn counts what it already has in flight), so one
   *   account's backlog of thousands cannot starve another's single delivery.
   * The lease is re-checked on the row itself, so two workers never take the same one. Two workers
   * claiming at the same instant may each see a host below its cap and together exceed it a little.
   */
  async claimDue(limit: number, leaseSeconds: number, perHost: number): Promise<WebhookDelivery[]> {
    const result = await this.dataSource.query(
      `WITH heads AS (
         SELECT DISTINCT ON (account_id, url) id, url, account_id, next_attempt_at, lease_until > now() AS leased,
                coalesce(lower(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#]*)')), kind) AS host
           FROM webhook_deliveries WHERE status = 'pending' ORDER BY account_id, url, id),
       busy_hosts AS (SELECT host, count(*) AS n FROM heads WHERE leased GROUP BY host),
       busy_accounts AS (SELECT account_id, count(*) AS n FROM heads WHERE leased GROUP BY account_id),
       by_host AS (
         SELECT h.id, h.account_id, h.next_attempt_at,
                coalesce(b.n, 0) + row_number() OVER (PARTITION BY h.host ORDER BY h.next_attempt_at, h.id) AS host_place
           FROM heads h LEFT JOIN busy_hosts b ON b.host = h.host
          WHERE h.next_attempt_at <= now() AND h.leased IS NOT TRUE),
       fair AS (
         SELECT f.id, f.next_attempt_at,
                coalesce(b.n, 0) + row_number() OVER (PARTITION BY f.account_id ORDER BY f.next_attempt_at, f.id) AS account_turn
           FROM by_host f LEFT JOIN busy_accounts b ON b.account_id = f.account_id
          WHERE f.host_place <= $3)
       UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
         FROM (SELECT id FROM fair ORDER BY account_turn, next_attempt_at, id LIMIT $1) h
        WHERE d.id = h.id AND d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
        RETURNING d.id::text AS id, d.execution_id AS "executionId", d.counter, d.account_id AS "accountId", d.url, d.attempts, d.kind, d.settings_of AS "settingsOf"`,
      [limit, leaseSeconds, perHost],
    );
    return Array.isArray(result[0]) ? result[0] : result;
  }

  /**
   * The webhook deliveries of each of `records` (by `executionId:counter`, in the order they were
   * made), in one query (webhook_deliveries_record_idx). A record no callback wanted has none. Run
   * notifications (e-mail, chat) are not shown: their targets are the job's settings, not the record's.
   */
  async notificationsOf(records: readonly { executionId: string; counter: number }[]): Promise<Map<string, RecordNotification[]>> {
    const found = new Map<string, RecordNotification[]>();
    if (!records.length) return found;
    const rows: { execution_id: string; counter: number; url: string; level: string | null; status: RecordNotification['state'] }[] = await this.dataSource.query(
      `SELECT d.execution_id, d.counter, d.url, d.level, d.status
         FROM webhook_deliveries d JOIN unnest($1::uuid[], $2::int[]) AS r(execution_id, counter)
              ON d.execution_id = r.execution_id AND d.counter = r.counter
        WHERE d.kind = 'webhook'
        ORDER BY d.id`,
      [records.map((r) => r.executionId), records.map((r) => r.counter)],
    );
    for (const row of rows) {
      const key = `${row.execution_id}:${row.counter}`;
      found.set(key, [...(found.get(key) ?? []), { url: row.url, level: row.level, state: row.status }]);
    }
    return found;
  }

  async record(delivery: WebhookDelivery): Promise<StatusRecord | null> {
    return this.dataSource.getRepository(StatusRecord).findOneBy({ executionId: delivery.executionId, counter: delivery.counter });
  }

  async delivered(id: string): Promise<void> {
    await this.deliveries.update(id, { status: 'delivered', leaseUntil: null, lastError: null });
  }

  /** Retry later with backoff (by the database's clock, as the claim reads it), or give up after the last attempt. */
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
    await this.accounts.update({ id: accountId, sealedWebhookSecret: IsNull() }, { sealedWebhookSecret: seal(randomBytes(32).toString('hex')) });
    const account = await this.accounts.findOne({ where: { id: accountId }, select: { id: true, sealedWebhookSecret: true } });
    return account!.sealedWebhookSecret!;
  }

  async rotateSecret(accountId: string, sealed: string): Promise<void> {
    await this.accounts.update(accountId, { sealedWebhookSecret: sealed });
  }
}
