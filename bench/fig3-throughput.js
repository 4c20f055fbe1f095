'use strict';
// Figure 3: throughput. N trivial runs are submitted at once (all start requests in flight
// together); completions per second = N ÷ (first request sent → last run's final record seen by the
// subscriber). Baseline: the same N bare ansible-playbook runs through `xargs -P <slots>`, i.e. the
// same parallelism as the worker's slots. The baseline goes first and ours second; each side is one
// long block (minutes), so short noise averages out within it.
const path = require('node:path');
const { round } = require('./lib/stats');
const { xargsParallel } = require('./lib/baselines');
const { TRIVIAL } = require('./lib/playbooks');
const { now } = require('./lib/proc');
const cpu = require('./lib/cpu');

async function run(ctx) {
  const count = ctx.scale.throughputRuns;
  const parallel = ctx.system.slots;

  const idleBefore = cpu.snapshot(ctx.system);
  const bareMs = await xargsParallel(path.join(ctx.scratch, 'fig3-bare'), TRIVIAL, count, parallel);
  const bareRate = count / (bareMs / 1000);
  ctx.log(`  fig3 bare: ${count} runs, -P ${parallel}, ${round(bareMs / 1000, 1)} s → ${round(bareRate, 2)} runs/s`);

  // The service's CPU while it was idle during the baseline, for comparison with its CPU under load.
  const serviceIdle = cpu.since(ctx.system, idleBefore);
  const jobId = await ctx.client.createJob(TRIVIAL, { description: 'fig3 throughput' });
  const busyBefore = cpu.snapshot(ctx.system);
  await ctx.subscriber.subscribeJob(jobId);
  const t0 = now();
  const starts = await Promise.all(Array.from({ length: count }, () => ctx.client.start(jobId)));
  const submittedMs = now() - t0;
  const finals = await Promise.all(starts.map((s) => ctx.subscriber.waitFinal(s.executionId, 1_800_000)));
  const lastAt = Math.max(...finals.map((f) => f.finalAt));
  const failures = finals.filter((f) => f.final.message !== 'SUCCESS').length;
  const gaps = finals.reduce((n, f) => n + f.gaps + f.duplicates, 0);
  starts.forEach((s) => ctx.subscriber.forget(s.executionId));
  const serviceBusy = cpu.since(ctx.system, busyBefore);
  const oursMs = lastAt - t0;
  const oursRate = count / (oursMs / 1000);
  const ratio = oursRate / bareRate;
  const perRunCpuMs = Object.fromEntries(Object.entries(serviceBusy.cpuSeconds).map(([k, v]) => [k, Math.round((v * 1000) / count)]));
  ctx.log(
    `  fig3 ours: ${count} runs (submitted in ${Math.round(submittedMs)} ms), ${round(oursMs / 1000, 1)} s → ${round(oursRate, 2)} runs/s; ` +
      `service CPU per run (ms): ${JSON.stringify(perRunCpuMs)}`,
  );
  return {
    rows: [
      {
        figure: `3. throughput: ${count} trivial runs at once, ours ÷ bare (xargs -P ${parallel})`,
        value: `${round(ratio, 3)} (${round(oursRate, 2)} vs ${round(bareRate, 2)} runs/s)`,
        target: '≥ 0.9',
        met: ratio >= 0.9 && failures === 0,
        note: failures
          ? `${failures} runs did not succeed`
          : gaps
            ? `${gaps} counter gaps/duplicates at the subscriber`
            : `service CPU per run: api ${perRunCpuMs.api} ms, worker ${perRunCpuMs.worker} ms, postgres ${perRunCpuMs.postgres} ms`,
      },
    ],
    detail: { count, parallel, bareMs, bareRate, oursMs, oursRate, ratio, submittedMs, failures, counterProblems: gaps, serviceIdle, serviceBusy, perRunCpuMs },
  };
}

module.exports = { run };
