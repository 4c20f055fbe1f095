import { Command, Context } from '../context';
import { usageError } from '../exit-codes';
import { fields, time } from '../format';
import { jobHint, jobsPath } from './jobs';

const seg = encodeURIComponent;
const schedulesPath = (ctx: Context): string => `${jobsPath(ctx)}/${seg(ctx.arg('JOB'))}/schedules`;
const schedulePath = (ctx: Context): string => `${schedulesPath(ctx)}/${seg(ctx.arg('SCHEDULE'))}`;
const scheduleHint = (ctx: Context): string => `"automation-runner schedules list ${ctx.arg('JOB')}" shows the job's schedules.`;
const trigger = (s: any): string => `${s.trigger?.type} ${s.trigger?.expression}`;

export const listSchedules: Command = async (ctx) => {
  const paged = await ctx.api().get(schedulesPath(ctx) + ctx.pageQuery(), jobHint(ctx));
  ctx.printList(paged, `No schedules for job ${ctx.arg('JOB')}.`, [
    ['ID', (s) => s.id],
    ['TRIGGER', trigger],
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
    ['enabled', s.enabled ? 'yes' : 'no'],
    ['next run', s.enabled ? time(s.nextRunTime) : '- (disabled)'],
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

export const createSchedule: Command = async (ctx) => {
  const cron = ctx.string('cron');
  const at = ctx.string('at');
  if ((cron === undefined) === (at === undefined)) throw usageError('Give exactly one of --cron EXPRESSION or --at DATE.');
  const body = {
    description: ctx.string('description') ?? '',
    serviceAccountAlias: ctx.string('service-account'),
    trigger: cron !== undefined ? { type: 'cron', expression: cron } : { type: 'date', expression: at },
    ...(ctx.options.disabled ? { enabled: false } : {}),
    ...(ctx.string('overlap') ? { overlap: ctx.string('overlap') } : {}),
    ...(ctx.string('catch-up') ? { catchUp: ctx.string('catch-up') } : {}),
  };
  const schedule = await ctx.api().post(schedulesPath(ctx), body, jobHint(ctx));
  ctx.print(schedule, () => [`Created schedule ${schedule.id} (${trigger(schedule)}); next run ${schedule.enabled ? time(schedule.nextRunTime) : '- (disabled)'}.`]);
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
