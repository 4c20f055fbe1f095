'use strict';
// Figure 1: overhead of a whole run through the service against Ansible alone.
// Ours: start request sent → the run's last record (`playbook_result`) seen by a socket.io
// subscriber, i.e. what a user waits for. Baseline: wall time of bare `ansible-playbook` on the same
// playbook and inventory (and, printed alongside, of `ansible-runner run`). The three are run in
// turn, in an order that rotates every round, and the figure is the median of the per-round ratios:
// a noisy neighbour slows a whole round, not one side of it.
const path = require('node:path');
const { median, summary, round } = require('./lib/stats');
const { barePlaybook, ansibleRunner } = require('./lib/baselines');
const { TRIVIAL } = require('./lib/playbooks');

/**
 * One run through the service. Besides the total, splits it (from the worker's debug log) into
 * launch (request sent → ansible-playbook spawned), Ansible (spawned → exited) and tail (exited →
 * last record at the subscriber), so the overhead can be attributed.
 */
async function ourRun(ctx, jobId) {
  const started = await ctx.client.start(jobId);
  const final = await ctx.subscriber.waitFinal(started.executionId, 120_000);
  if (final.final.message !== 'SUCCESS') throw new Error(`figure 1 run ended ${final.final.message}`);
  ctx.subscriber.forget(started.executionId);
  const spawned = ctx.system.spawned.get(started.executionId);
  // The "ended" log line can trail the final record by a moment; it is only for the split.
  for (let i = 0; i < 50 && !ctx.system.ended.has(started.executionId); i++) await new Promise((r) => setTimeout(r, 10));
  const ended = ctx.system.ended.get(started.executionId);
  return { total: final.finalAt - started.sentAt, split: { launch: spawned - started.sentAt, ansible: ended - spawned, tail: final.finalAt - ended } };
}

/**
 * `unsandboxed`: the same figure on a worker with RUNNER_SANDBOX=off (the sandbox's cost, reported
 * beside the main figure, which runs sandboxed like every default install).
 */
async function run(ctx, { unsandboxed = false } = {}) {
  const rounds = ctx.scale.overheadPairs;
  const jobId = await ctx.client.createJob(TRIVIAL, { description: 'fig1 trivial' });
  await ctx.subscriber.subscribeJob(jobId);
  const bare = barePlaybook(path.join(ctx.scratch, 'fig1-bare'), TRIVIAL);
  const runner = ctx.hasRunner && !unsandboxed ? ansibleRunner(path.join(ctx.scratch, 'fig1-runner'), TRIVIAL) : null;

  // One warm-up of each (first Python start reads a cold page cache), not counted.
  await ourRun(ctx, jobId);
  await bare.run();
  if (runner) await runner.run();

  const samples = [];
  const kinds = runner ? ['ours', 'bare', 'runner'] : ['ours', 'bare'];
  for (let i = 0; i < rounds; i++) {
    const sample = {};
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length];
      if (kind === 'ours') ({ total: sample.ours, split: sample.split } = await ourRun(ctx, jobId));
      else sample[kind] = kind === 'bare' ? await bare.run() : await runner.run();
    }
    samples.push(sample);
    ctx.log(`  fig1 round ${i + 1}/${rounds}: ours ${Math.round(sample.ours)} ms, bare ${Math.round(sample.bare)} ms${runner ? `, ansible-runner ${Math.round(sample.runner)} ms` : ''}`);
  }

  const ratio = median(samples.map((s) => s.ours / s.bare));
  const runnerRatio = runner ? median(samples.map((s) => s.runner / s.bare)) : NaN;
  const extraMs = median(samples.map((s) => s.ours - s.bare));
  // Where the extra time goes (medians, ms): our launch, Ansible inside the service vs alone, our tail.
  const split = {
    launch: median(samples.map((s) => s.split.launch)),
    ansibleInService: median(samples.map((s) => s.split.ansible)),
    bare: median(samples.map((s) => s.bare)),
    ansibleSlowerInService: median(samples.map((s) => s.split.ansible - s.bare)),
    tail: median(samples.map((s) => s.split.tail)),
  };
  const note = `median split: launch ${Math.round(split.launch)} ms, Ansible ${Math.round(split.ansibleSlowerInService)} ms slower than alone, tail ${Math.round(split.tail)} ms`;
  if (unsandboxed) {
    return {
      rows: [{ figure: '1. overhead with RUNNER_SANDBOX=off (the sandbox\'s cost: compare with the row above)', value: `${round(ratio, 3)} (+${Math.round(extraMs)} ms)`, target: '—', met: null, note }],
      detail: { rounds, ratio, medianExtraMs: extraMs, split, oursMs: summary(samples.map((s) => s.ours)), bareMs: summary(samples.map((s) => s.bare)), samples },
    };
  }
  return {
    rows: [
      {
        figure: '1. overhead: ours ÷ bare ansible-playbook (trivial playbook, sandbox on, to last record at a socket.io subscriber)',
        value: `${round(ratio, 3)} (median of ${rounds} rounds; +${Math.round(extraMs)} ms)`,
        target: '≤ 1.10',
        met: ratio <= 1.1,
        note,
      },
      {
        figure: '1. (for comparison) ansible-runner run ÷ bare ansible-playbook',
        value: runner ? `${round(runnerRatio, 3)}` : 'skipped (ansible-runner unavailable)',
        target: '—',
        met: null,
      },
    ],
    detail: {
      rounds,
      ratio,
      runnerRatio,
      medianExtraMs: extraMs,
      split,
      oursMs: summary(samples.map((s) => s.ours)),
      bareMs: summary(samples.map((s) => s.bare)),
      runnerMs: runner ? summary(samples.map((s) => s.runner)) : null,
      samples,
    },
  };
}

module.exports = { run };
