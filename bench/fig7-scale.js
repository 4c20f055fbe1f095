'use strict';
// Figure 7: scale. One run of the trivial playbook against 500 inventory hosts (local connection,
// forks 50): every record must be stored (counters 1..N without gaps, N = what the subscriber
// received, one runner_on_ok per host and task), and wall time ÷ bare ansible-playbook on the same
// playbook and inventory. Ours is start request sent → last record at the subscriber. The order of
// the two alternates between samples when more than one is taken.
const path = require('node:path');
const { median, round } = require('./lib/stats');
const { barePlaybook } = require('./lib/baselines');
const { TRIVIAL } = require('./lib/playbooks');

async function run(ctx) {
  const { hosts, forks, samples } = ctx.scale.scaleRun;
  const bare = barePlaybook(path.join(ctx.scratch, 'fig7-bare'), TRIVIAL, { hosts, forks });
  const jobId = await ctx.client.createJob(TRIVIAL, { hosts, forks, description: 'fig7 scale' });
  await ctx.subscriber.subscribeJob(jobId);

  const pairs = [];
  let complete = true;
  const checks = [];
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare'];
    const pair = {};
    for (const kind of order) {
      if (kind === 'bare') {
        pair.bare = await bare.run();
        continue;
      }
      const started = await ctx.client.start(jobId);
      const seen = await ctx.subscriber.waitFinal(started.executionId, 900_000);
      pair.ours = seen.finalAt - started.sentAt;
      const stored = await ctx.client.records(jobId, started.executionId);
      const ok = stored.results.filter((r) => r.event_type === 'runner_on_ok').length;
      const check = {
        finalMessage: seen.final.message,
        records: seen.count,
        stored: stored.totalSize,
        lastCounter: seen.last,
        gaps: seen.gaps,
        duplicates: seen.duplicates,
        runnerOnOk: ok,
        expectedRunnerOnOk: hosts * 2,
      };
      checks.push(check);
      complete &&=
        check.finalMessage === 'SUCCESS' && check.stored === check.lastCounter && check.records === check.lastCounter && !check.gaps && !check.duplicates && ok === hosts * 2;
      ctx.subscriber.forget(started.executionId);
    }
    pairs.push(pair);
    ctx.log(`  fig7 sample ${i + 1}/${samples}: ours ${round(pair.ours / 1000, 1)} s, bare ${round(pair.bare / 1000, 1)} s`);
  }
  const ratio = median(pairs.map((p) => p.ours / p.bare));
  return {
    rows: [
      {
        figure: `7. scale: ${hosts} hosts, forks ${forks}, wall time ours ÷ bare ansible-playbook`,
        value: `${round(ratio, 3)} (${round(median(pairs.map((p) => p.ours)) / 1000, 1)} s vs ${round(median(pairs.map((p) => p.bare)) / 1000, 1)} s)`,
        target: '— (reported)',
        met: null,
      },
      {
        figure: `7. scale: every record stored (${checks[0]?.stored ?? '?'} records)`,
        value: complete ? 'yes: counters 1..N, none missing, one runner_on_ok per host and task' : `NO: ${JSON.stringify(checks)}`,
        target: 'every record stored',
        met: complete,
      },
    ],
    detail: { hosts, forks, pairs, ratio, checks },
  };
}

module.exports = { run };
