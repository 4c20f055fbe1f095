import { randomUUID } from 'node:crypto';
import { isEmailAddress } from '@app/domain';

/** What a notification says about a finished run (README "Notifications"). */
export interface RunNotice {
  accountAlias: string;
  jobId: string;
  /** The job's description; empty when it has none (the id names it then). */
  jobName: string;
  executionId: string;
  status: string;
  /** Why the run ended as it did, when the service knows (the execution's `reason`). */
  reason: string | null;
  /** Each failed host with the message of its last failure, when one was recorded. */
  failedHosts: { host: string; reason: string | null }[];
  /** The run's page in the console. */
  link: string;
}

const MAX_HOSTS_LISTED = 50;
const MAX_REASON = 300;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function jobTitle(notice: RunNotice): string {
  return notice.jobName.trim() ? `${oneLine(notice.jobName, 120)} (${notice.jobId})` : `job ${notice.jobId}`;
}

/** The lines both messages share; plain text, one fact a line. */
function noticeLines(notice: RunNotice): string[] {
  const lines = [`Job: ${jobTitle(notice)} in account ${notice.accountAlias}`, `Run: ${notice.executionId}`, `Status: ${notice.status}`];
  if (notice.reason) lines.push(`Reason: ${oneLine(notice.reason, MAX_REASON)}`);
  if (notice.failedHosts.length) {
    lines.push(`Failed hosts (${notice.failedHosts.length}):`);
    for (const { host, reason } of notice.failedHosts.slice(0, MAX_HOSTS_LISTED)) lines.push(reason ? `- ${host}: ${oneLine(reason, MAX_REASON)}` : `- ${host}`);
    if (notice.failedHosts.length > MAX_HOSTS_LISTED) lines.push(`- … and ${notice.failedHosts.length - MAX_HOSTS_LISTED} more`);
  }
  lines.push(`Details: ${notice.link}`);
  return lines;
}

export function noticeSubject(notice: RunNotice): string {
  const hosts = notice.failedHosts.length ? ` on ${notice.failedHosts.length} host(s)` : '';
  return oneLine(`[${notice.accountAlias}] ${notice.status}${hosts}: ${notice.jobName.trim() || `job ${notice.jobId}`}`, 150);
}

/** Slack's mrkdwn treats these three as markup: escaped, a job name cannot forge a link or a mention. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack-compatible incoming-webhook message: `text` for every receiver, `blocks` for those that render them. */
export function chatMessage(notice: RunNotice): { text: string; blocks: object[] } {
  const lines = noticeLines(notice).slice(0, -1).map(mrkdwn);
  const text = `${mrkdwn(noticeSubject(notice))}\n${lines.join('\n')}\n<${notice.link}|Open the run>`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(noticeSubject(notice))}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the run' }, url: notice.link }] },
    ],
  };
}

/**
 * An RFC 5322 header value from free text: every character outside printable ASCII, and the
 * whole value when it has any, goes into RFC 2047 encoded-words (base64 of UTF-8), folded with
 * CRLF SP between words. So no CR or LF of a job name ever reaches the header block as a line end.
 */
export function encodeHeaderText(text: string): string {
  const flat = oneLine(text, 500);
  if (/^[\x20-\x7e]*$/.test(flat) && flat.length <= 900) return flat;
  const words: string[] = [];
  let chunk = '';
  for (const char of flat) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join('\r\n ');
}

function address(value: string): string {
  // Checked when stored, and again here: an address is the one header part not encoded.
  if (!isEmailAddress(value)) throw new Error('an e-mail address is not a plain address; nothing was sent');
  return value;
}

/** The whole message as it goes after DATA: headers, then a base64 text/plain body (no line of it can be a lone "."). */
export function mailMessage(notice: RunNotice, from: string, to: string[], now = new Date()): string {
  const domain = address(from).split('@')[1];
  const body = Buffer.from(`${noticeLines(notice).join('\r\n')}\r\n`).toString('base64').replace(/.{76}/g, '$&\r\n');
  const headers = [
    `From: automation-runner <${address(from)}>`,
    `To: ${to.map(address).join(', ')}`,
    `Subject: ${encodeHeaderText(noticeSubject(notice))}`,
    `Date: ${now.toUTCString().replace(/GMT$/, '+0000')}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    'Auto-Submitted: auto-generated',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body.replace(/\r\n$/, '')}\r\n`;
}
