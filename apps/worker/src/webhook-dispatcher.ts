import { createHmac } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { AccountRepository, WebhookDelivery, WebhookRepository } from '@app/database';
import { postWebhook, toRecordDocument } from '@app/realtime';
import { SecretBox, webhookSigningSecret } from '@app/keys';
import { Periodic } from './periodic';
import { NoticeUndeliverable, RunNoticeSender } from './run-notice-sender';

const MAX_ATTEMPTS = 10;
/** Deliveries one worker has in flight at once (across every account and host). */
const IN_FLIGHT = 50;
/** A lease outlives the attempt's deadline by this much, so it only lapses when the worker is gone. */
const LEASE_MARGIN_SECONDS = 60;

/**
 * Delivers the queue's rows: each record as JSON, signed with the account's secret, and each run
 * notice (e-mail, chat: RunNoticeSender), retried with exponential backoff (1 s, 2 s, 4 s … at most
 * 5 min) up to 10 attempts (a notice that cannot be sent at all, at once), in order per account and
 * URL. Any worker may deliver; leases on the rows keep two from sending the same one, and a
 * worker that dies mid-attempt leaves its leases to lapse, after which another worker sends again.
 *
 * Fairness between accounts: each attempt has a hard deadline (RUNNER_WEBHOOK_TIMEOUT_MS), a host
 * holds at most RUNNER_WEBHOOK_HOST_CONCURRENCY deliveries at once, due deliveries are chosen round
 * robin across accounts (WebhookRepository.claimDue), and a pass does not wait for the deliveries it
 * starts: a free place is filled on the next pass, so a slow endpoint holds only its own places.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic: Periodic;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly webhooks: WebhookRepository,
    private readonly accounts: AccountRepository,
    private readonly box: SecretBox,
    private readonly notices: RunNoticeSender,
  ) {
    const leaseSeconds = Math.ceil(config.webhookTimeoutMs / 1000) + LEASE_MARGIN_SECONDS;
    this.periodic = new Periodic('webhook', logger, async () => {
      const free = IN_FLIGHT - this.inFlight.size;
      if (free <= 0) return;
      const due = await this.webhooks.claimDue(free, leaseSeconds, config.webhookHostConcurrency);
      for (const delivery of due) {
        const attempt: Promise<void> = this.deliver(delivery).finally(() => this.inFlight.delete(attempt));
        this.inFlight.add(attempt);
      }
    });
  }

  /** Started and stopped by Nest with the worker (the pool drains runs meanwhile). */
  onApplicationBootstrap(): void {
    this.periodic.start(250);
  }

  /** Claims no more; attempts under way end by their deadline (or their leases lapse if the process exits first). */
  beforeApplicationShutdown(): void {
    this.periodic.stop();
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    try {
      if (delivery.kind !== 'webhook') {
        await this.notices.send(delivery);
        return void (await this.webhooks.delivered(delivery.id));
      }
      const [record, account] = await Promise.all([this.webhooks.record(delivery), this.accounts.findById(delivery.accountId)]);
      if (!record || !account) return void (await this.webhooks.failed(delivery.id, 'the record or account no longer exists', null));
      const body = JSON.stringify(toRecordDocument(record, account.alias));
      const secret = await webhookSigningSecret(this.webhooks, this.box, account.id);
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const status = await postWebhook(delivery.url, body, { 'x-runner-signature': signature, 'user-agent': 'automation-runner' }, {
        allowPrivate: this.config.webhookAllowPrivate,
        timeoutMs: this.config.webhookTimeoutMs,
      });
      if (status >= 200 && status < 300) return void (await this.webhooks.delivered(delivery.id));
      await this.retry(delivery, `answered HTTP ${status}`);
    } catch (error) {
      await this.retry(delivery, (error as Error).message, error instanceof NoticeUndeliverable).catch(() => undefined);
    }
  }

  private retry(delivery: WebhookDelivery, error: string, hopeless = false): Promise<void> {
    const last = hopeless || delivery.attempts >= MAX_ATTEMPTS;
    // A chat row's url is its origin and settings; an e-mail's, its recipients: neither is a secret.
    const target = delivery.kind === 'email' ? delivery.url : new URL(delivery.url).origin;
    if (last) this.logger.write('warn', `${delivery.kind === 'webhook' ? 'webhook' : `${delivery.kind} notice`} given up`, { kind: delivery.kind, target, executionId: delivery.executionId, error });
    return this.webhooks.failed(delivery.id, error, last ? null : Math.min(2 ** (delivery.attempts - 1), 300));
  }
}
