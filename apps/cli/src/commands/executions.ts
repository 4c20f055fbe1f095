import { Command, Context } from '../context';
import { CliError, EXIT, exitCodeForStatus, ExitCode } from '../exit-codes';
import { followExecution } from '../follow';
import { pageNote, table, time } from '../format';
import { startBody } from '../job-file';
import { artifactLines, ExecutionDocument, ProgressView, summaryLines } from '../progress';
import { jobHint, jobsPath } from './jobs';

const seg = encodeURIComponent;
const executionPath = (ctx: Context, jobId: string, executionId: string): string =>
  `${jobsPath(ctx)}/${seg(jobId)}/executions/${seg(executionId)}`;
const executionHint = (ctx: Context, jobId: string): string => `"automation-runner executions list ${jobId}" shows its executions.`;

/** `run JOB [--follow]` */
export const run: Command = async (ctx) => {
  const jobId = ctx.arg('JOB');
  const body = startBody(ctx.list('host'), ctx.list('property'));
  const execution = await ctx.api().post<ExecutionDocument>(`${jobsPath(ctx)}/${seg(jobId)}/start`, body, jobHint(ctx));
  if (!ctx.options.follow) {
    ctx.print(execution, () => [
      `Started execution ${execution.execution_id} of job ${jobId} (${execution.status}).`,
      `Follow it: automation-runner executions follow ${jobId} ${execution.execution_id}`,
    ]);
    return;
  }
  return follow(ctx, jobId, execution.execution_id, 0);
};

/** Shows an execution's records as they come and returns its exit code once it has ended. */
async function follow(ctx: Context, jobId: string, executionId: string, afterCounter: number): Promise<ExitCode> {
  const view = new ProgressView();
  if (!ctx.machine) ctx.screen.line(`Execution ${executionId} of job ${jobId} (account ${ctx.alias()})`);
  // Ctrl-C leaves the run alone: following is only watching.
  const onInterrupt = (): void => {
    ctx.screen.setLive(null);
    ctx.note(`\nStopped following; the execution goes on. Stop it with: automation-runner executions stop ${jobId} ${executionId}`);
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const execution = await followExecution({
      api: ctx.api(),
      token: ctx.token(),
      accountAlias: ctx.alias(),
      jobId,
      executionId,
      afterCounter,
      ...(ctx.env.AUTOMATION_RUNNER_DEBUG === '1' ? { debug: (message: string) => ctx.note(`debug: ${message}`) } : {}),
      onRecord: (record) => {
        if (ctx.machine) return ctx.record(record);
        const update = view.consume(record);
        ctx.screen.update(update.lines, update.live);
      },
    });
    if (ctx.machine) {
      ctx.record(execution);
    } else {
      ctx.screen.update([...view.end(), ...summaryLines(execution)], null);
    }
    return exitCodeForStatus(execution.status);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The last counter stored so far: a follow after a restart, stop or kill starts after it. */
async function lastCounter(ctx: Context, jobId: string, executionId: string): Promise<number> {
  const page = await ctx
    .api()
    .get(`/v2/automation/status/${seg(ctx.alias())}/job/${seg(jobId)}/execution/${seg(executionId)}?page=0&size=1`, executionHint(ctx, jobId));
  return Number(page.totalSize) || 0;
}

export const listExecutions: Command = async (ctx) => {
  const jobId = ctx.args.JOB;
  const query = `${ctx.pageQuery()}${ctx.string('status') ? `&status=${seg(ctx.string('status')!)}` : ''}`;
  const base = jobId ? `${jobsPath(ctx)}/${seg(jobId)}/executions` : `${jobsPath(ctx)}/executions`;
  const paged = await ctx.api().get(base + query, jobId ? jobHint(ctx) : undefined);
  ctx.print(paged, () =>
    paged.results.length === 0
      ? ['No executions.']
      : [
          ...table(
            ['EXECUTION', ...(jobId ? [] : ['JOB']), 'STATUS', 'STARTED', 'ENDED', 'FAILED HOSTS'],
            paged.results.map((e: any) => [
              e.execution_id,
              ...(jobId ? [] : [e.job_id]),
              e.status,
              time(e.start),
              time(e.end),
              (e.failed_hosts ?? []).join(',') || '-',
            ]),
          ),
          ...pageNote(paged),
        ],
  );
};

function executionLines(e: any): string[] {
  const summaries = Object.entries((e.host_summaries ?? {}) as Record<string, Record<string, number>>);
  return [
    `execution  ${e.execution_id}`,
    `job        ${e.job_id}`,
    `status     ${e.status}`,
    `started    ${time(e.start)}`,
    `ended      ${time(e.end)}`,
    ...(e.reason ? [`reason     ${e.reason}`] : []),
    ...(e.failed_hosts?.length ? [`failed     ${e.failed_hosts.join(', ')}`] : []),
    ...(summaries.length
      ? ['hosts', ...summaries.map(([h, s]) => `  ${h}  ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failures} skipped=${s.skipped}`)]
      : []),
    ...artifactLines(e.artifacts, 'artifacts'),
  ];
}

export const getExecution: Command = async (ctx) => {
  const jobId = ctx.arg('JOB');
  const execution = await ctx.api().get(executionPath(ctx, jobId, ctx.arg('EXECUTION')), executionHint(ctx, jobId));
  ctx.print(execution, () => executionLines(execution));
};

export const followCommand: Command = async (ctx) => {
  const jobId = ctx.arg('JOB');
  // Checked first so a wrong id is a clear 404, not a refused subscription.
  await ctx.api().get(executionPath(ctx, jobId, ctx.arg('EXECUTION')), executionHint(ctx, jobId));
  return follow(ctx, jobId, ctx.arg('EXECUTION'), 0);
};

export const stdout: Command = async (ctx) => {
  const jobId = ctx.arg('JOB');
  const text = await ctx.api().get<string>(`${executionPath(ctx, jobId, ctx.arg('EXECUTION'))}/stdout`, executionHint(ctx, jobId));
  if (ctx.machine) ctx.print({ stdout: text }, () => []);
  else process.stdout.write(typeof text === 'string' ? text : JSON.stringify(text));
};

/** stop, kill and restart: POST the action; with --follow, show what happens next and exit with the end. */
function control(action: 'stop' | 'kill' | 'restart'): Command {
  return async (ctx) => {
    const jobId = ctx.arg('JOB');
    const executionId = ctx.arg('EXECUTION');
    const after = ctx.options.follow ? await lastCounter(ctx, jobId, executionId) : 0;
    const expiry = ctx.string('expiry');
    const body = action === 'stop' && expiry !== undefined ? { expiryDuration: Number(expiry) } : {};
    let execution: ExecutionDocument;
    try {
      execution = await ctx.api().post<ExecutionDocument>(`${executionPath(ctx, jobId, executionId)}/${action}`, body, executionHint(ctx, jobId));
    } catch (error) {
      if (error instanceof CliError && error.status === 409) throw new CliError(EXIT.refused, `Cannot ${action} execution ${executionId}: ${error.message.replace(/^.*?\(409\): /, '')}`);
      throw error;
    }
    if (!ctx.options.follow) {
      ctx.print(execution, () => [`Execution ${executionId}: ${execution.status}.`]);
      return;
    }
    return follow(ctx, jobId, executionId, after);
  };
}

export const stop = control('stop');
export const kill = control('kill');
export const restart = control('restart');
