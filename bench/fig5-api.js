'use strict';
// Figure 5: the API under load from a separate process (autocannon, bench/lib/load-process.js).
//   - list jobs, a page of 100 (the account holds more than 100 jobs): requests/s and p99;
//   - start execution: accepted starts (202) per second.
// The bench's socket.io subscriber is disconnected first, so that only the load is measured; the
// api's idle CPU with and without it is reported in the details (a connected client costs a re-read
// of each of its unfinished runs every 2 s, record-feed.ts catchUpAll; finished runs cost nothing).
// Run with no worker attached (run.js stops it first): thousands of queued runs would otherwise be
// executed for the next hour, and Ansible's CPU use would be measured instead of the API's. Every
// start still does all of its work (validation, row + PENDING record + NOTIFY in one transaction).
const path = require('node:path');
const proc = require('./lib/proc');
const cpu = require('./lib/cpu');
const { round } = require('./lib/stats');
const { ACCOUNT } = require('./lib/client');
const { TRIVIAL } = require('./lib/playbooks');

/** Runs one load and notes how busy the api and PostgreSQL were meanwhile (share of one core). */
async function load(ctx, options) {
  const before = cpu.snapshot(ctx.system);
  const result = await loadProcess(ctx, options);
  const used = cpu.since(ctx.system, before);
  result.cpuCores = { api: used.cores.api, postgres: used.cores.postgres, loadGenerator: result.loadGeneratorCpuSeconds / used.wallSeconds };
  return result;
}

async function loadProcess(ctx, options) {
  const script = path.join(__dirname, 'lib', 'load-process.js');
  const child = proc.start(process.execPath, [script, JSON.stringify(options)], { cwd: ctx.scratch });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`autocannon failed (${code}): ${err.slice(-1000)}`);
  return JSON.parse(out.trim().split('\n').pop());
}

function describe(result) {
  return {
    duration: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
    // Cores busy during the load (warm-up included): 1.0 = one core saturated.
    cpuCores: Object.fromEntries(Object.entries(result.cpuCores).map(([k, v]) => [k, round(v, 2)])),
  };
}

/** Cores busy over 5 s of no requests at all. */
async function idleCpu(ctx) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = cpu.snapshot(ctx.system);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const used = cpu.since(ctx.system, before);
  return { api: used.cores.api, postgres: used.cores.postgres };
}

function cpuNote(r) {
  const cores = `cores busy: api ${r.cpuCores.api}, postgres ${r.cpuCores.postgres}, autocannon ${r.cpuCores.loadGenerator}`;
  return r.non2xx ? `${r.non2xx} non-2xx answers; ${cores}` : cores;
}

async function run(ctx) {
  const { connections, seconds, warmupSeconds } = ctx.scale.api;
  // More than a page of jobs, like a real account.
  const have = (await ctx.client.request('GET', `/v2/automation/jobs/${ACCOUNT}?page=0&size=1`)).totalSize;
  for (let i = have; i < 120; i++) await ctx.client.createJob(TRIVIAL, { description: `fig5 job ${i}` });
  const startJob = await ctx.client.createJob(TRIVIAL, { description: 'fig5 start target' });
  const headers = { Authorization: `Bearer ${ctx.client.token}` };

  const idleWith = await idleCpu(ctx);
  ctx.subscriber.close();
  const idleWithout = await idleCpu(ctx);
  ctx.log(`  fig5 idle cores with the bench's subscriber connected ${JSON.stringify(idleWith)}, after it left ${JSON.stringify(idleWithout)}`);

  const list = describe(
    await load(ctx, { url: `${ctx.system.url}/v2/automation/jobs/${ACCOUNT}?page=0&size=100`, method: 'GET', headers, connections, duration: seconds, warmupSeconds }),
  );
  ctx.log(`  fig5 list: ${round(list.requestsPerSecond, 0)} req/s, p99 ${list.latencyMs.p99} ms, non-2xx ${list.non2xx}, cores busy ${JSON.stringify(list.cpuCores)}`);
  const start = describe(
    await load(ctx, {
      url: `${ctx.system.url}/v2/automation/jobs/${ACCOUNT}/${startJob}/start`,
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: '{}',
      connections,
      duration: seconds,
      warmupSeconds,
    }),
  );
  const accepted = start.ok2xx / start.duration;
  ctx.log(`  fig5 start: ${round(accepted, 0)} accepted/s, p99 ${start.latencyMs.p99} ms, non-2xx ${start.non2xx}, cores busy ${JSON.stringify(start.cpuCores)}`);
  return {
    rows: [
      {
        figure: `5. API list jobs (page of 100), autocannon ${connections} connections × ${seconds} s`,
        value: `${Math.round(list.requestsPerSecond)} req/s, p99 ${list.latencyMs.p99} ms`,
        target: '≥ 2,000 req/s, p99 ≤ 50 ms',
        met: list.requestsPerSecond >= 2000 && list.latencyMs.p99 <= 50 && list.non2xx === 0,
        note: cpuNote(list),
      },
      {
        figure: `5. API start execution, autocannon ${connections} connections × ${seconds} s`,
        value: `${Math.round(accepted)} accepted/s (p99 ${start.latencyMs.p99} ms)`,
        target: '≥ 300 starts/s',
        met: accepted >= 300,
        note: cpuNote(start),
      },
    ],
    detail: {
      connections,
      seconds,
      list,
      start: { ...start, acceptedPerSecond: accepted },
      idleCoresWithSubscriber: idleWith,
      idleCoresWithoutSubscriber: idleWithout,
    },
  };
}

module.exports = { run };
