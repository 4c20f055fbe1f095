'use strict';
// Figure 6: memory. Resident memory (VmRSS of /proc/<pid>/status) of the api and worker node
// processes only: PostgreSQL, ansible-playbook, its forks and ssh-agent are separate processes and
// are not counted, which is what "not counting Ansible's own processes" asks.
//
// idle (run): median of samples over 2 s with no run in flight, on the main api and worker, right
// after boot and again after warm-up (figures 1-2 ran); the larger counts (a service is idle after
// it worked).
//
// per concurrent run (runPerRun): V8's heap breathes by several MB between garbage collections, so
// with the main worker's 4 slots the per-run share drowned in that noise (one trial gave −2.6 MB).
// It is measured instead on a worker started for the purpose with more slots (12): warmed up with
// as many trivial runs, then (median RSS while 12 slow runs all stream events − mean of the idle
// medians before and after) ÷ 12. run.js calls it while the main worker is stopped, so no other worker claims the runs.
const proc = require('./lib/proc');
const { median, round } = require('./lib/stats');
const { TRIVIAL, slowTrickle } = require('./lib/playbooks');
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
  ctx.log(`  fig6: idle api ${round(apiIdle, 1)} MB, worker ${round(workerIdle, 1)} MB`);
  return {
    rows: [
      {
        figure: '6. resident memory idle: api / worker (node processes)',
        value: `api ${round(apiIdle, 1)} MB, worker ${round(workerIdle, 1)} MB`,
        target: '≤ 200 MB each',
        met: apiIdle <= 200 && workerIdle <= 200,
      },
    ],
    detail: { boot, warm, apiIdleMb: apiIdle, workerIdleMb: workerIdle },
  };
}

/** Starts `count` runs of `jobId` and waits until each has streamed at least one item event. */
async function startStreaming(ctx, jobId, count) {
  const starts = await Promise.all(Array.from({ length: count }, () => ctx.client.start(jobId)));
  starts.forEach((s) => ctx.subscriber.keepRecords(s.executionId));
  await Promise.all(starts.map((s) => waitSpawned(ctx.system, s.executionId, 60_000)));
  const deadline = Date.now() + 60_000;
  while (!starts.every((s) => ctx.subscriber.state(s.executionId).results.some((r) => r.type === 'runner_item_on_ok'))) {
    if (Date.now() > deadline) throw new Error('figure 6: runs did not start streaming within 60 s');
    await sleep(100);
  }
  return starts;
}

async function runPerRun(ctx) {
  const concurrent = ctx.scale.memoryRuns;
  const worker = await ctx.system.startWorker({ name: 'worker-memory', slots: concurrent });
  try {
    // Warm-up at full concurrency: every code path of a run has executed (lazy modules, JIT) and the
    // heap has grown to its working size (it plateaus, no leak: 100 runs checked) before the idle sample.
    const warmJob = await ctx.client.createJob(TRIVIAL, { description: 'fig6 warm-up' });
    await ctx.subscriber.subscribeJob(warmJob);
    const warm = await Promise.all(Array.from({ length: concurrent }, () => ctx.client.start(warmJob)));
    await Promise.all(warm.map((s) => ctx.subscriber.waitFinal(s.executionId, 120_000)));
    warm.forEach((s) => ctx.subscriber.forget(s.executionId));
    await sleep(1000);

    const jobId = await ctx.client.createJob(slowTrickle(20), { description: 'fig6 memory' });
    await ctx.subscriber.subscribeJob(jobId);
    const before = await sampleRss(worker.pid, 3000);
    const starts = await startStreaming(ctx, jobId, concurrent);
    const busy = await sampleRss(worker.pid, 6000, 200);
    const stillRunning = starts.every((s) => !ctx.system.ended.has(s.executionId));
    await Promise.all(starts.map((s) => ctx.subscriber.waitFinal(s.executionId, 180_000)));
    starts.forEach((s) => ctx.subscriber.forget(s.executionId));
    await sleep(1000);
    const after = await sampleRss(worker.pid, 3000);
    const idleMb = (before + after) / 2;
    const perRun = (busy - idleMb) / concurrent;
    ctx.log(`  fig6: worker idle ${round(before, 1)} / ${round(after, 1)} MB (before / after), ${round(busy, 1)} MB with ${concurrent} runs streaming`);
    return {
      rows: [
        {
          figure: `6. worker's extra memory per concurrent run (${concurrent} runs streaming; Ansible's processes not counted)`,
          value: `${round(perRun, 2)} MB`,
          target: '≤ 10 MB',
          met: perRun <= 10 && stillRunning,
          note: stillRunning ? undefined : 'a run ended while sampling; measurement unreliable',
        },
      ],
      detail: { concurrent, workerIdleBeforeMb: before, workerIdleAfterMb: after, workerBusyMb: busy, perRunMb: perRun, stillRunning },
    };
  } finally {
    await ctx.system.stopWorker(worker);
  }
}

module.exports = { run, runPerRun, idle };
