import type { RunnerConfig } from '@app/config';
import { invalid, STORED_SECRET } from '@app/domain';
import { callbackUrlProblem } from '@app/realtime';
import type { NotifyDto } from './notify.dto';

/**
 * The service-side checks of a `notify` body (a job's or an account default): e-mail needs the
 * service's SMTP relay, and a chat URL passes the callbacks' SSRF guard (delivery checks again
 * when it connects, so a name that later resolves inward is refused then).
 */
export async function checkNotifyTargets(field: string, notify: NotifyDto, config: Pick<RunnerConfig, 'smtp' | 'webhookAllowPrivate'>): Promise<void> {
  if (notify.email && !config.smtp) throw invalid(`${field}.email`, 'cannot be sent: this service has no SMTP relay (the operator sets RUNNER_SMTP_URL)');
  if (notify.chat && notify.chat.url !== STORED_SECRET) {
    const problem = await callbackUrlProblem(notify.chat.url, config.webhookAllowPrivate);
    if (problem) throw invalid(`${field}.chat.url`, `is refused: ${problem} (set RUNNER_WEBHOOK_ALLOW_PRIVATE=true to allow)`);
  }
}
