'use strict';
// Figure 6: memory. Resident memory (VmRSS of /proc/<pid>/status) of the api and worker node
// processes only: PostgreSQL, ansible-playbook, its forks and ssh-agent are separate processes and
// are not counted, which is what "not counting Ansible's own processes" asks.
//   - idle: median of samples over 2 s with no run in flight; measured right after boot and again
//     after warm-up (figures 1-2 ran): the larger counts (a service is idle after it worked).
//   - per concurrent run: as many slow runs as the worker has slots, all spawned and emitting events;
//     (median RSS while they run − median RSS idle just before) ÷ number of runs.
const proc = require('./lib/proc');
const { median, round } = require('./lib/stats');
const { slowTrickle } = require('./lib/playbooks');
const { waitSpawned } = require('./fig2-launch-latency');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sampleRss(pid, ms, every = 200) {
  const samples = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    samples.push(proc.rssMb(pid));
    await sleep(every);
  }
  return median(samples);
}

async function idle(ctx) {
  const [api, worker] = await Promise.all([sampleRss(ctx.system.api.pid, 2000), sampleRss(ctx.system.worker.pid, 2000)]);
  return { apiMb: api, workerMb: worker };
}

async function run(ctx, boot) {
  const warm = await idle(ctx);
  const apiIdle = Math.max(boot.apiMb, warm.apiMb);
  const workerIdle = Math.max(boot.workerMb, warm.workerMb);

  const concurrent = ctx.system.slots;
  const jobId = await ctx.client.createJob(slowTrickle(14), { description: 'fig6 memory' });
  await ctx.subscriber.subscribeJob(jobId);
  const before = await sampleRss(ctx.system.worker.pid, 2000);
  const starts = await Promise.all(Array.from({ length: concurrent }, () => ctx.client.start(jobId)));
  await Promise.all(starts.map((s) => waitSpawned(ctx.system, s.executionId)));
  await sleep(2000); // all runs are past start-up and streaming records
  const busy = await sampleRss(ctx.system.worker.pid, 6000, 250);
  const stillRunning = starts.every((s) => !ctx.system.ended.has(s.executionId));
  await Promise.all(starts.map((s) => ctx.subscriber.waitFinal(s.executionId, 120_000)));
  starts.forEach((s) => ctx.subscriber.forget(s.executionId));
  const perRun = (busy - before) / concurrent;
  ctx.log(`  fig6: idle api ${round(apiIdle, 1)} MB, worker ${round(workerIdle, 1)} MB; worker ${round(before, 1)} → ${round(busy, 1)} MB with ${concurrent} runs`);
  return {
    rows: [
      {
        figure: '6. resident memory idle: api / worker (node processes)',
        value: `api ${round(apiIdle, 1)} MB, worker ${round(workerIdle, 1)} MB`,
        target: '≤ 200 MB each',
        met: apiIdle <= 200 && workerIdle <= 200,
      },
      {
        figure: `6. worker's extra memory per concurrent run (${concurrent} runs, Ansible's processes not counted)`,
        value: `${round(perRun, 2)} MB`,
        target: '≤ 10 MB',
        met: perRun <= 10 && stillRunning,
        note: stillRunning ? undefined : 'a run ended while sampling; measurement unreliable',
      },
    ],
    detail: { boot, warm, apiIdleMb: apiIdle, workerIdleMb: workerIdle, concurrent, workerBeforeMb: before, workerBusyMb: busy, perRunMb: perRun, stillRunning },
  };
}

module.exports = { run, idle };
