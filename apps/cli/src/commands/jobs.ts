import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Context } from '../context';
import { usageError } from '../exit-codes';
import { pageNote, table, time } from '../format';
import { jobBodyFromYaml, jobToYaml } from '../job-file';
import { readStdin } from '../terminal';

const seg = encodeURIComponent;
export const jobsPath = (ctx: Context): string => `/v2/automation/jobs/${seg(ctx.alias())}`;
export const jobHint = (ctx: Context): string => `"automation-runner jobs list" shows the jobs of account ${ctx.alias()}.`;

export const listJobs: Command = async (ctx) => {
  const query = ctx.pageQuery();
  const paged = await ctx.api().get(`${jobsPath(ctx)}${query}`);
  ctx.print(paged, () =>
    paged.results.length === 0
      ? [`No jobs in account ${ctx.alias()}.`]
      : [
          ...table(
            ['ID', 'DESCRIPTION', 'HOSTS', 'UPDATED'],
            paged.results.map((j: any) => [j.id, j.description || '-', String(j.hosts?.length ?? 0), time(j.lastUpdatedTime)]),
          ),
          ...pageNote(paged),
        ],
  );
};

export const getJob: Command = async (ctx) => {
  const job = await ctx.api().get(`${jobsPath(ctx)}/${seg(ctx.arg('JOB'))}`, jobHint(ctx));
  if (ctx.machine) ctx.print(job, () => []);
  else process.stdout.write(jobToYaml(job));
};

/** Reads and encodes `-f FILE` (or stdin for `-`). */
async function jobBody(ctx: Context): Promise<Record<string, unknown>> {
  const file = ctx.string('file')!;
  let text: string;
  if (file === '-') {
    text = await readStdin();
  } else {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw usageError(`Cannot read the job file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
  }
  return jobBodyFromYaml(text, file === '-' ? 'standard input' : file, {
    baseDir: file === '-' ? process.cwd() : path.dirname(path.resolve(file)),
    homeDir: os.homedir(),
    readFile: (f) => fs.readFileSync(f, 'utf8'),
  });
}

export const createJob: Command = async (ctx) => {
  const body = await jobBody(ctx);
  const job = await ctx.api().post(jobsPath(ctx), body);
  ctx.print(job, () => [`Created job ${job.id}${job.description ? ` (${job.description})` : ''}.`, `Run it: automation-runner run ${job.id} --follow`]);
};

export const updateJob: Command = async (ctx) => {
  const body = await jobBody(ctx);
  const job = await ctx.api().put(`${jobsPath(ctx)}/${seg(ctx.arg('JOB'))}`, body, jobHint(ctx));
  ctx.print(job, () => [`Updated job ${job.id}.`]);
};

export const deleteJob: Command = async (ctx) => {
  const id = ctx.arg('JOB');
  await ctx.api().delete(`${jobsPath(ctx)}/${seg(id)}${ctx.options.force ? '?force=true' : ''}`, jobHint(ctx));
  ctx.print({ deleted: id }, () => [`Deleted job ${id}.`]);
};
