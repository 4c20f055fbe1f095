import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { NotifySettings } from '@app/domain';
import { Account } from './entities';
import { runPrepared } from './prepared';

/**
 * Queues a finished run's notifications in the transaction that stores its end (ExecutionWriter
 * .change), so none is lost and none is sent for an end that was rolled back. The settings are the
 * job's `notify`, or its account's default when the job has none; each channel whose `on` matches
 * (`always`, or the run's `outcome`) gets one row in the webhook delivery queue, keyed to the end's
 * status record (`counter`):
 * - e-mail: `mailto:` and the recipients, so an account's e-mails keep their order;
 * - chat: the URL's origin (the claim's per-host cap) and whose settings it is, so each job's
 *   target is a queue of its own; the sealed URL itself is opened when the row is sent.
 */
export async function queueRunNotices(em: EntityManager, executionId: string, counter: number, outcome: 'success' | 'failure' | null): Promise<void> {
  await runPrepared(
    em,
    `INSERT INTO webhook_deliveries (execution_id, counter, account_id, url, kind, settings_of)
     SELECT e.id, $2, e.account_id, t.url, t.kind, s.settings_of
       FROM executions e JOIN jobs j ON j.id = e.job_id JOIN accounts a ON a.id = e.account_id
       CROSS JOIN LATERAL (SELECT CASE WHEN j.definition ? 'notify' THEN j.definition->'notify' ELSE a.notify END AS n,
                                  CASE WHEN j.definition ? 'notify' THEN 'job' ELSE 'account' END AS settings_of) s
       CROSS JOIN LATERAL (VALUES
         ('email', 'mailto:' || (SELECT string_agg(x, ',') FROM jsonb_array_elements_text(s.n->'email'->'to') x), s.n->'email'->>'on'),
         ('chat', (s.n->'chat'->>'origin') || '/#' || s.settings_of || ':' || CASE WHEN s.settings_of = 'job' THEN j.id ELSE a.id END, s.n->'chat'->>'on')
       ) AS t(kind, url, on_when)
      WHERE e.id = $1 AND t.url IS NOT NULL AND (t.on_when = 'always' OR t.on_when = $3)`,
    [executionId, counter, outcome],
  );
}

/** What a notification of a finished run says, and the settings it goes by. */
export interface RunNoticeFacts {
  accountId: string;
  accountAlias: string;
  jobId: string;
  jobName: string;
  status: string;
  reason: string | null;
  failedHosts: string[];
  /** Each host's last failure message (the runner_on_failed / unreachable record's). */
  hostReasons: Record<string, string>;
  jobNotify: NotifySettings | null;
  jobSealedSecrets: string | null;
  accountNotify: NotifySettings | null;
  accountSealedChatUrl: string | null;
}

@Injectable()
export class NotifyRepository {
  private readonly accounts: Repository<Account>;
  constructor(private readonly dataSource: DataSource) {
    this.accounts = dataSource.getRepository(Account);
  }

  async accountDefault(accountId: string): Promise<{ notify: NotifySettings | null; sealedChatUrl: string | null }> {
    const account = await this.accounts.findOne({ where: { id: accountId }, select: { id: true, notify: true, sealedNotifyChatUrl: true } });
    return { notify: account?.notify ?? null, sealedChatUrl: account?.sealedNotifyChatUrl ?? null };
  }

  async setAccountDefault(accountId: string, notify: NotifySettings | null, sealedChatUrl: string | null): Promise<void> {
    await this.accounts.update(accountId, { notify, sealedNotifyChatUrl: sealedChatUrl });
  }

  /** The facts of a run's notice, in one query (status_records' primary key for the hosts' failures); null when the run is gone. */
  async facts(executionId: string): Promise<RunNoticeFacts | null> {
    const [row] = await this.dataSource.query(
      `SELECT e.account_id AS "accountId", a.alias AS "accountAlias", j.id AS "jobId", j.description AS "jobName", e.status, e.reason,
              e.failed_hosts AS "failedHosts", j.definition->'notify' AS "jobNotify", j.sealed_secrets AS "jobSealedSecrets",
              a.notify AS "accountNotify", a.sealed_notify_chat_url AS "accountSealedChatUrl",
              (SELECT coalesce(jsonb_object_agg(f.host, f.message), '{}'::jsonb) FROM (
                 SELECT DISTINCT ON (r.host) r.host, r.message FROM status_records r
                  WHERE r.execution_id = e.id AND r.failed AND r.host IS NOT NULL AND r.message IS NOT NULL
                  ORDER BY r.host, r.counter DESC) f) AS "hostReasons"
         FROM executions e JOIN jobs j ON j.id = e.job_id JOIN accounts a ON a.id = e.account_id
        WHERE e.id = $1`,
      [executionId],
    );
    return row ?? null;
  }
}
