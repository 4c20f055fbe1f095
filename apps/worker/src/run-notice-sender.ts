import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { JobSecrets, NotifyRepository, RunNoticeFacts, WebhookDelivery } from '@app/database';
import { sealed, SecretBox } from '@app/keys';
import { chatMessage, mailMessage, postWebhook, RunNotice, sendMail, SmtpError } from '@app/realtime';

/** A notice that retrying cannot send (its run or settings are gone, the relay refused it for good): given up at once. */
export class NoticeUndeliverable extends Error {}

/**
 * Sends one queued run notice (README "Notifications"): an e-mail through the service's SMTP relay
 * or a chat message to the settings' incoming-webhook URL. The message is composed from the run as
 * it ended; the chat URL is opened from its sealed column only here, for the one request. Throws
 * on failure; the WebhookDispatcher retries and gives up as it does for webhooks.
 */
@Injectable()
export class RunNoticeSender {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly notify: NotifyRepository,
    private readonly box: SecretBox,
  ) {}

  async send(delivery: WebhookDelivery): Promise<void> {
    const facts = await this.notify.facts(delivery.executionId);
    if (!facts) throw new NoticeUndeliverable('the run no longer exists');
    const notice = this.noticeOf(delivery.executionId, facts);
    if (delivery.kind === 'email') return this.mail(notice, delivery.url.replace(/^mailto:/, '').split(','));
    const url = this.chatUrl(facts, delivery.settingsOf);
    if (!url) throw new NoticeUndeliverable('the chat URL is no longer set');
    const status = await postWebhook(url, JSON.stringify(chatMessage(notice)), { 'user-agent': 'automation-runner' }, {
      allowPrivate: this.config.webhookAllowPrivate,
      timeoutMs: this.config.webhookTimeoutMs,
    });
    if (status < 200 || status >= 300) throw new Error(`the chat receiver answered HTTP ${status}`);
  }

  private async mail(notice: RunNotice, to: string[]): Promise<void> {
    const smtp = this.config.smtp;
    if (!smtp) throw new NoticeUndeliverable('this service has no SMTP relay (RUNNER_SMTP_URL)');
    try {
      await sendMail(smtp.url, smtp.from, to, mailMessage(notice, smtp.from, to), { timeoutMs: this.config.webhookTimeoutMs });
    } catch (error) {
      if (error instanceof SmtpError && error.permanent) throw new NoticeUndeliverable(error.message);
      throw error;
    }
  }

  /** The URL of the settings the row was queued by, as they are now (a job's or its account's). */
  private chatUrl(facts: RunNoticeFacts, settingsOf: WebhookDelivery['settingsOf']): string | undefined {
    if (settingsOf === 'account') {
      return facts.accountSealedChatUrl ? this.box.open(facts.accountSealedChatUrl, sealed.accountChatUrl(facts.accountId)) : undefined;
    }
    if (!facts.jobSealedSecrets) return undefined;
    return this.box.openJson<JobSecrets>(facts.jobSealedSecrets, sealed.job({ id: facts.jobId, accountId: facts.accountId })).chatUrl;
  }

  /** The run's facts as a notice; the link is the console's run page (apps/web's router). */
  private noticeOf(executionId: string, facts: RunNoticeFacts): RunNotice {
    return {
      accountAlias: facts.accountAlias,
      jobId: facts.jobId,
      jobName: facts.jobName,
      executionId,
      status: facts.status,
      reason: facts.reason,
      failedHosts: facts.failedHosts.map((host) => ({ host, reason: Object.hasOwn(facts.hostReasons, host) ? facts.hostReasons[host] : null })),
      link: `${this.config.publicUrl}/jobs/${facts.jobId}/executions/${executionId}`,
    };
  }
}
