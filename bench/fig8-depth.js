'use strict';
// Figure 8: depth (issue #23). The same worker claims and drains a queue twice: once when the
// queue holds only the runs it drains, once behind 100,000 pending runs over 1,000 accounts with
// 200,000 finished runs beside them. Figures are ratios of the two, measured in this one run.
//
// - Claim latency: the worker's own `claimMs` (the claimNext call, logged with every "run claimed"),
//   p50/p99 over the first `drain` claims of each phase.
// - Drain rate: `drain` runs finished ÷ (last of them finished − first claimed), with the synthetic
//   emitter as ansible-playbook (bench/fake-ansible), so Ansible's own time does not hide the queue's.
// - The claim alone: claim_next()'s own time (the statement and its commit, from a client of its own)
//   with the worker stopped and the machine idle, over `PROBES` claims of each queue before its drain
//   (the probed runs are stopped afterwards, so each phase still drains first runs of accounts).
//   Beside the worker's figure, it shows how much of that is the claim and how much the drain's load.
//
// Both phases are seeded by SQL (the same rows the API writes for a queued run: PENDING, no record
// yet), so seeding 300,000 runs fits the bench's time budget. It runs last: the seeded rows stay.
// Each drained run is the first of its account in both phases (see seedAccounts).
const path = require('node:path');
const { summary, round } = require('./lib/stats');
const { synthetic } = require('./lib/playbooks');
const { DIST } = require('./lib/system');
const { now } = require('./lib/proc');

const DEPTH = { accounts: 1000, pendingPerAccount: 100, finishedPerAccount: 200 };
const PROBES = 200;

/**
 * `accounts` new accounts named PREFIX1…, each with a copy of `jobId`, `pending` runs waiting and
 * `finished` ended ones. Both phases drain first runs of accounts that never ran (the worker's first
 * run of an account costs more than its next ones), so they differ only in what else is queued.
 */
async function seedAccounts(db, jobId, { prefix, accounts, pending, finished }) {
  await db.query(
    `INSERT INTO accounts (id, alias, name, path, location_alias)
     SELECT gen_random_uuid(), $2 || i, 'fig8 ' || i, '/' || $2 || i || '/', 'CA1' FROM generate_series(1, $1) i`,
    [accounts, prefix],
  );
  await db.query(
    `INSERT INTO jobs (id, account_id, description, status, definition, sealed_secrets, created_at, updated_at)
     SELECT gen_random_uuid(), a.id, $2, j.status, j.definition, j.sealed_secrets, now(), now()
       FROM accounts a, jobs j WHERE starts_with(a.alias, $2) AND j.id = $1`,
    [jobId, prefix],
  );
  await db.query(
    `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at)
     SELECT gen_random_uuid(), j.id, j.account_id, 'PENDING', now() - interval '2 hours' + i * interval '1 ms', now(), now()
       FROM jobs j, generate_series(1, $1) i WHERE j.description = $2`,
    [pending, prefix],
  );
  await db.query(
    `INSERT INTO executions (id, job_id, account_id, status, attempt, queued_at, created_at, updated_at, timers)
     SELECT gen_random_uuid(), j.id, j.account_id, 'SUCCESS', 1, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day',
            jsonb_build_array(jsonb_build_object('start', 0, 'end', 1))
       FROM jobs j, generate_series(1, $1) i WHERE j.description = $2`,
    [finished, prefix],
  );
  // A queue built over time has been vacuumed and written out (figure 9 does the same): without this,
  // autovacuum's first pass over the fresh rows and the checkpoint writing them out would run during
  // the drain, and the figure would time the bulk load instead of the depth.
  await db.query('VACUUM (ANALYZE) accounts, jobs, executions, account_queues, job_runs');
  await db.query('CHECKPOINT');
}

/**
 * claim_next()'s own time, the worker stopped: `count` claims as the worker makes them, each
 * committed (the commit's flush included), then the claimed runs stopped.
 */
async function probeClaims(db, count) {
  const { recordRow, statusRecord } = require(path.join(DIST, 'libs', 'database', 'src', 'record-log.js'));
  const record = JSON.stringify(recordRow(statusRecord('INITIALIZING', new Date())));
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = now();
    const { rows } = await db.query({
      name: 'fig8-probe',
      text: `SELECT (c.claimed).id FROM claim_next('fig8-probe', 600, 0, now(), 0, $1, 'fig8_probe') c`,
      values: [record],
    });
    times.push(now() - started);
    if (!rows[0].id) throw new Error('fig8 probe: nothing to claim');
  }
  await db.query(`UPDATE executions SET status = 'STOPPED' WHERE owner = 'fig8-probe' AND status = 'INITIALIZING'`);
  return summary(times);
}

/** Starts the synthetic worker, waits until `count` runs have finished, stops it; claim and drain figures. */
async function drainPhase(ctx, name, count) {
  const system = ctx.system;
  system.claims.length = 0;
  system.finished.clear();
  await system.startWorker({ name, extraEnv: { RUNNER_ANSIBLE_PLAYBOOK: ctx.fakeAnsible } });
  const deadline = Date.now() + 600_000;
  while (system.finished.size < count) {
    if (Date.now() > deadline) throw new Error(`${name}: only ${system.finished.size} of ${count} runs finished in 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await system.stopWorker();
  const claims = system.claims.slice(0, count);
  const firstClaim = Math.min(...claims.map((c) => c.at));
  const lastFinish = [...system.finished.values()].sort((a, b) => a - b)[count - 1];
  return { claimMs: summary(claims.map((c) => c.claimMs)), drainRate: count / ((lastFinish - firstClaim) / 1000) };
}

async function run(ctx) {
  const count = ctx.scale.depthDrain;
  const jobId = await ctx.client.createJob(synthetic({ events: 20 }), { description: 'fig8 drained' });
  const db = await ctx.system.adminDb();
  try {
    // Empty: only the runs it drains and the probe's, one in each of `count + 20 + PROBES` accounts.
    await seedAccounts(db, jobId, { prefix: 'SHALLOW', accounts: count + 20 + PROBES, pending: 1, finished: 0 });
    const shallowProbe = await probeClaims(db, PROBES);
    const shallow = await drainPhase(ctx, 'worker-depth-empty', count);
    await db.query(`UPDATE executions SET status = 'STOPPED' WHERE status = 'PENDING'`);
    ctx.log(`  fig8 empty queue: claim p50 ${round(shallow.claimMs.p50, 2)} / p99 ${round(shallow.claimMs.p99, 2)} ms, drain ${round(shallow.drainRate, 2)} runs/s`);

    const seedStarted = Date.now();
    const { accounts, pendingPerAccount, finishedPerAccount } = DEPTH;
    await seedAccounts(db, jobId, { prefix: 'DEPTH', accounts, pending: pendingPerAccount, finished: finishedPerAccount });
    ctx.log(`  fig8 seeded ${accounts * pendingPerAccount} pending + ${accounts * finishedPerAccount} finished runs in ${round((Date.now() - seedStarted) / 1000, 1)} s`);
    const deepProbe = await probeClaims(db, PROBES);
    const deep = await drainPhase(ctx, 'worker-depth-deep', count);
    ctx.log(`  fig8 at depth: claim p50 ${round(deep.claimMs.p50, 2)} / p99 ${round(deep.claimMs.p99, 2)} ms, drain ${round(deep.drainRate, 2)} runs/s`);

    const claimRatio = deep.claimMs.p50 / shallow.claimMs.p50;
    const drainRatio = deep.drainRate / shallow.drainRate;
    const pending = `${DEPTH.accounts * DEPTH.pendingPerAccount} pending over ${DEPTH.accounts} accounts`;
    return {
      rows: [
        {
          figure: `8. claim p50 with ${pending} ÷ on an empty queue`,
          value: `${round(claimRatio, 2)} (${round(deep.claimMs.p50, 2)} vs ${round(shallow.claimMs.p50, 2)} ms; p99 ${round(deep.claimMs.p99, 2)} vs ${round(shallow.claimMs.p99, 2)} ms)`,
          target: '≤ 2, and ≤ 5 ms',
          met: claimRatio <= 2 && deep.claimMs.p50 <= 5,
          note: `the worker's own claimMs over ${count} claims each`,
        },
        {
          figure: `8. (for reference) the claim alone, machine idle: claim_next() p50 with ${pending} ÷ on an empty queue`,
          value: `${round(deepProbe.p50 / shallowProbe.p50, 2)} (${round(deepProbe.p50, 2)} vs ${round(shallowProbe.p50, 2)} ms; p99 ${round(deepProbe.p99, 2)} vs ${round(shallowProbe.p99, 2)} ms)`,
          target: '—',
          met: null,
          note: `${PROBES} claims each from a client of its own, the worker stopped: statement and commit`,
        },
        {
          figure: `8. drain rate with ${pending} ÷ on an empty queue (one worker, synthetic emitter)`,
          value: `${round(drainRatio, 3)} (${round(deep.drainRate, 2)} vs ${round(shallow.drainRate, 2)} runs/s)`,
          target: '≥ 0.9',
          met: drainRatio >= 0.9,
        },
      ],
      detail: { depth: DEPTH, count, shallow, deep, shallowProbe, deepProbe, claimRatio, drainRatio },
    };
  } finally {
    await db.end();
  }
}

module.exports = { run };
