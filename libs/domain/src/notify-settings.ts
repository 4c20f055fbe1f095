import type { ExecutionStatus } from './execution-status';
import { invalid } from './errors';
import { STORED_SECRET } from './secret-variables';

/**
 * Who hears about a finished run (README "Notifications"): a job's `notify`, or its account's
 * default when the job has none. Named `notify` because status records already carry
 * `notifications` (the webhook deliveries made for each record).
 */
export const NOTIFY_WHEN = ['success', 'failure', 'always'] as const;
export type NotifyWhen = (typeof NOTIFY_WHEN)[number];

export interface NotifySettings {
  email?: { to: string[]; on: NotifyWhen };
  /**
   * An incoming-webhook URL (Slack-compatible): a credential, so it is sealed and shown as
   * STORED_SECRET. `origin` (scheme, host, port) is kept in clear: it names the delivery queue and
   * the host whose concurrency is capped, and says where the message goes without the secret path.
   */
  chat?: { url: string; on: NotifyWhen; origin?: string };
}

/** The most recipients one setting may list. */
export const MAX_NOTIFY_RECIPIENTS = 20;

/**
 * An e-mail address as this service accepts it: a plain `local@domain`, printable ASCII without
 * spaces, quotes, angle brackets, commas or any control character, so it can never break out of an
 * SMTP command or a mail header (CR/LF injection) whatever a client sends.
 */
const EMAIL_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && EMAIL_ADDRESS.test(value);
}

/** Which `on` values a run that ended in `status` notifies: a stop asked for by a person notifies only `always`. */
export function notifyOutcome(status: ExecutionStatus): 'success' | 'failure' | null {
  if (status === 'SUCCESS') return 'success';
  if (status === 'FAILURE' || status === 'INIT_FAILURE' || status === 'KILLED') return 'failure';
  return null;
}

/** The http(s) origin of a chat URL (no credentials, path or query: those may be the secret part). */
export function chatOrigin(url: string): string {
  return new URL(url).origin;
}

/**
 * Checks a `notify` body (the DTO checked each field's shape) and splits it into what is stored in
 * clear and the chat URL to seal. A chat URL sent back as STORED_SECRET keeps `previousChatUrl`.
 */
export function splitNotify(
  field: string,
  notify: NotifySettings,
  previousChatUrl: string | undefined,
): { shown: NotifySettings; chatUrl: string | undefined } {
  const shown: NotifySettings = {};
  if (notify.email) {
    const seen = new Set<string>();
    notify.email.to.forEach((address, i) => {
      if (!isEmailAddress(address)) throw invalid(`${field}.email.to.${i}`, 'must be a plain e-mail address like ops@example.com');
      if (seen.has(address.toLowerCase())) throw invalid(`${field}.email.to.${i}`, `duplicates ${address}`);
      seen.add(address.toLowerCase());
    });
    shown.email = { to: [...notify.email.to], on: notify.email.on };
  }
  let chatUrl: string | undefined;
  if (notify.chat) {
    if (notify.chat.url === STORED_SECRET) {
      if (previousChatUrl === undefined) throw invalid(`${field}.chat.url`, `is ${STORED_SECRET}, but no chat URL is stored to keep; send the URL`);
      chatUrl = previousChatUrl;
    } else {
      chatUrl = notify.chat.url;
    }
    shown.chat = { url: STORED_SECRET, on: notify.chat.on, origin: chatOrigin(chatUrl) };
  }
  return { shown, chatUrl };
}
