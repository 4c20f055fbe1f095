import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { AccountRepository, WebhookDelivery, WebhookRepository } from '@app/database';
import { postWebhook, toRecordDocument } from '@app/realtime';
import { sealed, SecretBox } from '@app/keys';
import { Periodic } from './periodic';

const MAX_ATTEMPTS = 10;
const ATTEMPT_TIMEOUT_MS = 10_000;
const LEASE_SECONDS = 60;

/**
 * Delivers stored webhook deliveries: each record as JSON, signed with the account's secret,
 * retried with exponential backoff (1 s, 2 s, 4 s … at most 5 min) up to 10 attempts, in order per
 * URL. Any worker may deliver; leases on the rows keep two from sending the same one.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly periodic: Periodic;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly webhooks: WebhookRepository,
    private readonly accounts: AccountRepository,
    private readonly box: SecretBox,
  ) {
    this.periodic = new Periodic('webhook', logger, async () => {
      const due = await this.webhooks.claimDue(50, LEASE_SECONDS);
      await Promise.all(due.map((delivery) => this.deliver(delivery)));
    });
  }

  start(): void {
    this.periodic.start(250);
  }

  stop(): void {
    this.periodic.stop();
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    try {
      const [record, account] = await Promise.all([this.webhooks.record(delivery), this.accounts.findById(delivery.accountId)]);
      if (!record || !account) return void (await this.webhooks.failed(delivery.id, 'the record or account no longer exists', null));
      const body = JSON.stringify(toRecordDocument(record, account.alias));
      const secret = this.box.open(await this.webhooks.sealedSecret(account.id, (s) => this.box.seal(s, sealed.webhookSecret(account.id))), sealed.webhookSecret(account.id));
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const status = await postWebhook(delivery.url, body, { 'x-runner-signature': signature, 'user-agent': 'automation-runner' }, {
        allowPrivate: this.config.webhookAllowPrivate,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
      });
      if (status >= 200 && status < 300) return void (await this.webhooks.delivered(delivery.id));
      await this.retry(delivery, `answered HTTP ${status}`);
    } catch (error) {
      await this.retry(delivery, (error as Error).message).catch(() => undefined);
    }
  }

  private retry(delivery: WebhookDelivery, error: string): Promise<void> {
    const last = delivery.attempts >= MAX_ATTEMPTS;
    if (last) this.logger.write('warn', 'webhook given up', { url: new URL(delivery.url).origin, executionId: delivery.executionId, error });
    return this.webhooks.failed(delivery.id, error, last ? null : Math.min(2 ** (delivery.attempts - 1), 300));
  }
}
