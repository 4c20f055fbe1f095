import { Command, Context } from '../context';
import { usageError } from '../exit-codes';
import { fields, time } from '../format';
import { jobHint, jobsPath } from './jobs';

const seg = encodeURIComponent;
const schedulesPath = (ctx: Context): string => `${jobsPath(ctx)}/${seg(ctx.arg('JOB'))}/schedules`;
const schedulePath = (ctx: Context): string => `${schedulesPath(ctx)}/${seg(ctx.arg('SCHEDULE'))}`;
const scheduleHint = (ctx: Context): string => `"automation-runner schedules list ${ctx.arg('JOB')}" shows the job's schedules.`;
const trigger = (s: any): string => `${s.trigger?.type} ${s.trigger?.expression}`;
const nextRun = (s: any): string => (s.enabled ? time(s.nextRunTime) : '- (disabled)');

export const listSchedules: Command = async (ctx) => {
  const paged = await ctx.api().get(schedulesPath(ctx) + ctx.pageQuery(), jobHint(ctx));
  ctx.printList(paged, `No schedules for job ${ctx.arg('JOB')}.`, [
    ['ID', (s) => s.id],
    ['TRIGGER', trigger],
    ['TIME ZONE', (s) => s.timeZone],
    ['NEXT RUN', (s) => (s.enabled ? time(s.nextRunTime) : 'disabled')],
    ['SERVICE ACCOUNT', (s) => s.serviceAccountAlias],
    ['OVERLAP', (s) => s.overlap],
    ['DESCRIPTION', (s) => s.description],
  ]);
};

function scheduleLines(s: any): string[] {
  return fields([
    ['id', s.id],
    ['job', s.jobId],
    ['trigger', trigger(s)],
    ['time zone', s.timeZone],
    ['enabled', s.enabled ? 'yes' : 'no'],
    ['next run', nextRun(s)],
    ['service account', s.serviceAccountAlias],
    ['overlap', s.overlap],
    ['catch-up', s.catchUp],
    ['description', s.description],
  ]);
}

export const getSchedule: Command = async (ctx) => {
  const schedule = await ctx.api().get(schedulePath(ctx), scheduleHint(ctx));
  ctx.print(schedule, () => scheduleLines(schedule));
};

/** The trigger --cron or --at gives (undefined: neither); both at once is a usage error. */
function triggerOption(ctx: Context): { type: 'cron' | 'date'; expression: string } | undefined {
  const cron = ctx.string('cron');
  const at = ctx.string('at');
  if (cron !== undefined && at !== undefined) throw usageError('Give exactly one of --cron EXPRESSION or --at DATE.');
  if (cron !== undefined) return { type: 'cron', expression: cron };
  return at !== undefined ? { type: 'date', expression: at } : undefined;
}

/** `{timeZone}` when --time-zone is given (the API defaults to UTC, or keeps it on update). */
const timeZoneOption = (ctx: Context): { timeZone?: string } => (ctx.string('time-zone') !== undefined ? { timeZone: ctx.string('time-zone') } : {});

export const createSchedule: Command = async (ctx) => {
  const fires = triggerOption(ctx);
  if (!fires) throw usageError('Give exactly one of --cron EXPRESSION or --at DATE.');
  const body = {
    description: ctx.string('description') ?? '',
    serviceAccountAlias: ctx.string('service-account'),
    trigger: fires,
    ...timeZoneOption(ctx),
    ...(ctx.options.disabled ? { enabled: false } : {}),
    ...(ctx.string('overlap') ? { overlap: ctx.string('overlap') } : {}),
    ...(ctx.string('catch-up') ? { catchUp: ctx.string('catch-up') } : {}),
  };
  const schedule = await ctx.api().post(schedulesPath(ctx), body, jobHint(ctx));
  ctx.print(schedule, () => [`Created schedule ${schedule.id} (${trigger(schedule)}, ${schedule.timeZone}); next run ${nextRun(schedule)}.`]);
};

/** The schedule as GET returned it, sent back with the trigger and/or time zone given changed. */
export const updateSchedule: Command = async (ctx) => {
  const fires = triggerOption(ctx);
  const changes = { ...(fires ? { trigger: fires } : {}), ...timeZoneOption(ctx) };
  if (Object.keys(changes).length === 0) throw usageError('Give --cron EXPRESSION, --at DATE or --time-zone ZONE: what to change.');
  const current = await ctx.api().get(schedulePath(ctx), scheduleHint(ctx));
  const schedule = await ctx.api().put(schedulePath(ctx), { ...current, ...changes }, scheduleHint(ctx));
  ctx.print(schedule, () => [`Updated schedule ${schedule.id} (${trigger(schedule)}, ${schedule.timeZone}); next run ${nextRun(schedule)}.`]);
};

/** enable and disable: the schedule as GET returned it, sent back with `enabled` changed. */
function setEnabled(enabled: boolean): Command {
  return async (ctx) => {
    const current = await ctx.api().get(schedulePath(ctx), scheduleHint(ctx));
    const schedule = await ctx.api().put(schedulePath(ctx), { ...current, enabled }, scheduleHint(ctx));
    ctx.print(schedule, () => [`Schedule ${schedule.id} ${enabled ? `enabled; next run ${time(schedule.nextRunTime)}` : 'disabled'}.`]);
  };
}
export const enableSchedule = setEnabled(true);
export const disableSchedule = setEnabled(false);

export const deleteSchedule: Command = async (ctx) => {
  const id = ctx.arg('SCHEDULE');
  await ctx.api().delete(schedulePath(ctx), scheduleHint(ctx));
  ctx.print({ deleted: id }, () => [`Deleted schedule ${id}.`]);
};
