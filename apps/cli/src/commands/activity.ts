import { ActivityEvent, activityHeader, activityLine, ActivityTracker, eventOfExecution } from '../activity';
import { Command, Context, itemsOf } from '../context';
import { CliError, EXIT } from '../exit-codes';
import { openFeedSocket } from '../feed-socket';
import { time } from '../format';
import { jobHint, jobsPath } from './jobs';

const seg = encodeURIComponent;

/** The runs of the account and its sub-accounts (or of one job of the account), newest first. */
function listPath(ctx: Context, page: string, onlyStatus: string | undefined): string {
  const status = onlyStatus ? `&status=${seg(onlyStatus)}` : '';
  const job = ctx.string('job');
  return job ? `${jobsPath(ctx)}/${seg(job)}/executions${page}${status}` : `${jobsPath(ctx)}/executions${page}&includeSubAccounts=true${status}`;
}

export const activity: Command = async (ctx) => {
  if (ctx.options.follow) return followActivity(ctx);
  const paged = await ctx.api().get(listPath(ctx, ctx.pageQuery(), ctx.string('status')), ctx.string('job') ? jobHint(ctx) : undefined);
  ctx.printList(paged, 'No runs.', [
    ['EXECUTION', (e) => e.execution_id],
    ['ACCOUNT', (e) => e.account_alias],
    ['JOB', (e) => e.job_id],
    ['STATUS', (e) => e.status],
    ['STARTED', (e) => time(e.start)],
    ['ENDED', (e) => time(e.end)],
    ['FAILED HOSTS', (e) => e.failed_hosts],
  ]);
};

/**
 * `activity --follow`: the latest runs, then every new run and status change as the socket.io
 * `/automation` feed announces it (an alias subscription covers the account and its sub-accounts;
 * a job subscription, one job). The feed pushes each stored status change, so no short-lived state
 * is missed as a poll would miss it, and the server does the filtering by account. At every
 * (re)subscription the REST list is read again, so changes during a disconnection are still shown.
 * Runs until Ctrl-C (exit 130).
 */
async function followActivity(ctx: Context): Promise<never> {
  const api = ctx.api();
  const tracker = new ActivityTracker(ctx.string('status'));
  const show = (event: ActivityEvent | null): void => {
    if (!event) return;
    if (ctx.machine) ctx.record(event);
    else ctx.screen.line(activityLine(event));
  };
  // The status filter applies to the changes shown, so the listing must see every run.
  const listing = async (): Promise<void> => {
    const runs = itemsOf(await api.get(listPath(ctx, '?page=0&size=100', undefined), ctx.string('job') ? jobHint(ctx) : undefined));
    for (const run of runs.reverse()) show(tracker.observe(eventOfExecution(run)));
  };
  /** A status record of the feed; a run that ended is read once more for its failed hosts. */
  const onRecord = async (record: any): Promise<void> => {
    if (record?.event_type !== 'execution_status' || typeof record.event_data?.status !== 'string') return;
    const event: ActivityEvent = {
      execution_id: record.execution_id,
      job_id: record.job_id,
      account_alias: record.account_alias,
      status: record.event_data.status,
      time: typeof record.timestamp === 'number' ? record.timestamp : Date.parse(record.timestamp) || Date.now(),
    };
    if (event.status === 'FAILURE') {
      const path = `/v2/automation/jobs/${seg(event.account_alias)}/${seg(event.job_id)}/executions/${seg(event.execution_id)}`;
      const execution = await api.get(path).catch(() => null);
      if (execution?.failed_hosts?.length) event.failed_hosts = execution.failed_hosts;
    }
    show(tracker.observe(event));
  };

  if (!ctx.machine) ctx.screen.line(activityHeader());
  // Read first: a wrong job, token or URL is a clear error before any socket is opened.
  await listing();
  return new Promise<never>((_, reject) => {
    const socket = openFeedSocket(api.url, ctx.token());
    const fail = (error: Error): void => {
      socket.disconnect();
      process.off('SIGINT', onInterrupt);
      reject(error);
    };
    const onInterrupt = (): void => {
      socket.disconnect();
      ctx.note('\nStopped following the activity.');
      process.exit(EXIT.interrupted);
    };
    process.once('SIGINT', onInterrupt);
    // Records of one run arrive in order; the chain keeps the lines in that order across the reads.
    let chain = Promise.resolve();
    // An unreachable server is waited out (socket.io reconnects, and the list is read again then);
    // anything else (the token refused, say) ends the follow with its exit code.
    const then = (step: () => Promise<void>): void => {
      chain = chain.then(step).catch((error) => (error instanceof CliError && error.code === EXIT.serverDown ? ctx.note(error.message) : fail(error as Error)));
    };
    let connectedBefore = false;
    socket.on('connect', () => {
      const job = ctx.string('job');
      socket
        .timeout(15_000)
        .emitWithAck('subscribe', { accountAlias: ctx.alias(), ...(job ? { jobId: job } : {}) })
        .then((answer: { ok: boolean; message?: string }) => {
          if (!answer.ok) {
            const message = answer.message ?? 'subscription refused';
            const code = /unauthorized|forbidden/.test(message) ? EXIT.auth : /not found/.test(message) ? EXIT.notFound : EXIT.refused;
            return fail(new CliError(code, `The server refused to stream the activity of ${ctx.alias()}: ${message}`));
          }
          if (connectedBefore) ctx.note('Reconnected; catching up.');
          connectedBefore = true;
          then(listing);
        })
        .catch(() => undefined); // no answer in time: socket.io reconnects and we subscribe again
    });
    socket.on('disconnect', () => ctx.note('Lost contact with the server; reconnecting…'));
    socket.on('connect_error', (error: Error) => {
      if (/unauthorized/.test(error.message)) fail(new CliError(EXIT.auth, `The server refused the token (${error.message}). Log in again with "automation-runner login".`));
    });
    socket.on('status', (record: unknown) => then(() => onRecord(record)));
  });
}
