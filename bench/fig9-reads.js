'use strict';
// Figure 9: reads at depth (issue #23). The reads a console and a program make all day, timed on one
// account before and after its history grows to 1,000,000 runs and 10,000,000 status records:
//
// - the status API of one run (a page of 100 records after a counter) and of its job (page 0);
// - the runs of that job, of its account, and the activity page (the account tree, 20 a page,
//   unfiltered and with a status filter); /metrics.
//
// Each read is sent `samples` times in a row by one client (keep-alive, after a warm-up), p50/p99 of
// its latency; the figure is p99 at depth ÷ p99 before. The measured run and its records are the same
// in both phases; only the history beside them grows. Its records are copies of real ones (the run
// with the most records so far: figure 4's), so their size is a real record's; the bytes stored per
// record (table, TOAST and indexes ÷ rows) are measured at depth.
//
// Seeding is SQL, so ten million records fit the bench's budget: as the superuser with
// session_replication_role = replica (no trigger or foreign-key check per row), then
// run_totals_recount() (migration 1733800000000) sets account_queues and job_runs from the rows, as
// after any bulk load, then VACUUM and a checkpoint (see deep()). The shallow phase runs before
// figure 8 seeds its queue, the deep one after.
const { summary, round } = require('./lib/stats');
const { now } = require('./lib/proc');

const ALIAS = 'READS';
const RECORDS_PER_RUN = 1000;
/** More than a page of the largest size (100), so every page read is full before and after. */
const SHALLOW_RUNS = 150;

/** The reads, by name: a path on the api. */
function reads(ids) {
  const job = `/v2/automation/jobs/${ALIAS}/${ids.jobId}`;
  return {
    'status API, one run (100 records after counter 500)': `/v2/automation/status/${ALIAS}/job/${ids.jobId}/execution/${ids.executionId}?afterCounter=500&size=100`,
    "status API, the job's records (page 0)": `/v2/automation/status/${ALIAS}/job/${ids.jobId}?page=0&size=100`,
    "runs of the job (page 0 of 100)": `${job}/executions?page=0&size=100`,
    "runs of the account (page 0 of 100)": `/v2/automation/jobs/${ALIAS}/executions?page=0&size=100`,
    'activity page (account tree, 20)': `/v2/automation/jobs/${ALIAS}/executions?includeSubAccounts=true&page=0&size=20`,
    'activity page, failed runs only': `/v2/automation/jobs/${ALIAS}/executions?includeSubAccounts=true&page=0&size=20&status=FAILURE`,
    '/metrics': '/metrics',
  };
}

async function timeReads(ctx, ids) {
  const out = {};
  for (const [name, url] of Object.entries(reads(ids))) {
    for (let i = 0; i < 20; i++) await ctx.client.request('GET', url);
    const samples = [];
    for (let i = 0; i < ctx.scale.reads.samples; i++) {
      const t = now();
      await ctx.client.request('GET', url);
      samples.push(now() - t);
    }
    out[name] = summary(samples);
  }
  return out;
}

/**
 * Copies of a real run's first `count` records into every run of `runs` (SQL selecting id, job_id,
 * account_id of the runs), counters 1…count.
 */
function copyRecords(db, runsSql, params, templateId, count) {
  return db.query(
    `INSERT INTO status_records (execution_id, counter, id, job_id, account_id, timestamp, uuid, parent_uuid, event_type, host, play, task, failed, changed, message, stdout, event_data)
     SELECT e.id, t.counter, gen_random_uuid(), e.job_id, e.account_id, t.timestamp, t.uuid, t.parent_uuid, t.event_type, t.host, t.play, t.task, t.failed, t.changed, t.message, t.stdout, t.event_data
       FROM (${runsSql}) e, (SELECT * FROM status_records WHERE execution_id = $1 AND counter <= $2) t`,
    [templateId, count, ...params],
  );
}

/** Ended runs of `jobId`, `count` of them, created between `newest` and `oldest` ago, `reason` = `tag`, each with last_counter `records` (copyRecords adds the records). */
function insertRuns(db, { jobId, accountId, count, newest, oldest, records, tag }) {
  return db.query(
    `INSERT INTO executions (id, job_id, account_id, status, attempt, queued_at, created_at, updated_at, timers, last_counter, reason)
     SELECT gen_random_uuid(), $1, $2, CASE WHEN i % 20 = 0 THEN 'FAILURE' ELSE 'SUCCESS' END, 1, c, c, c,
            jsonb_build_array(jsonb_build_object('start', (extract(epoch FROM c) * 1000)::bigint, 'end', (extract(epoch FROM c) * 1000)::bigint + 4000)),
            $4, $7
       FROM generate_series(1, $3) i, LATERAL (SELECT now() - $5::interval - (i::float8 / $3) * ($6::interval - $5::interval) AS c) t`,
    [jobId, accountId, count, records, newest, oldest, tag],
  );
}

/**
 * Before figure 8: the account, its job and SHALLOW_RUNS runs of 10 records each (enough to fill
 * every page read, so both phases serve pages of the same size), the newest with 1,000; the reads timed.
 */
async function shallow(ctx) {
  const db = await ctx.system.adminDb();
  try {
    const [template] = (
      await db.query(`SELECT e.id FROM executions e JOIN LATERAL (SELECT 1 FROM status_records r WHERE r.execution_id = e.id AND r.counter = $1) r ON true
                       ORDER BY e.last_counter DESC LIMIT 1`, [RECORDS_PER_RUN])
    ).rows;
    if (!template) throw new Error(`figure 9 needs a run with ${RECORDS_PER_RUN} records (figure 4's) to copy`);
    await ctx.client.request('POST', '/v2/accounts/DEMO', { alias: ALIAS, name: 'fig9 reads' });
    const job = await ctx.client.request('POST', `/v2/automation/jobs/${ALIAS}`, {
      description: 'fig9 measured',
      playbook: Buffer.from('- hosts: all\n  tasks: []\n').toString('base64'),
      hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local' } }],
    });
    const [{ account_id: accountId }] = (await db.query(`SELECT account_id FROM jobs WHERE id = $1`, [job.id])).rows;
    await db.query('SET session_replication_role = replica');
    await insertRuns(db, { jobId: job.id, accountId, count: SHALLOW_RUNS, newest: '2 minutes', oldest: '1 hour', records: 10, tag: 'fig9 shallow' });
    await copyRecords(db, `SELECT id, job_id, account_id FROM executions WHERE reason = $3`, ['fig9 shallow'], template.id, 10);
    await insertRuns(db, { jobId: job.id, accountId, count: 1, newest: '1 minute', oldest: '1 minute', records: RECORDS_PER_RUN, tag: 'fig9 measured' });
    await copyRecords(db, `SELECT id, job_id, account_id FROM executions WHERE reason = $3`, ['fig9 measured'], template.id, RECORDS_PER_RUN);
    await db.query('RESET session_replication_role');
    await db.query('SELECT run_totals_recount()');
    await db.query('VACUUM (ANALYZE) executions, status_records, job_runs, account_queues');
    const [{ id: executionId }] = (await db.query(`SELECT id FROM executions WHERE reason = 'fig9 measured'`)).rows;
    const ids = { jobId: job.id, accountId, executionId, templateId: template.id };
    const latency = await timeReads(ctx, ids);
    ctx.log(`  fig9 before: ${Object.entries(latency).map(([name, s]) => `${name.split(' (')[0]} p99 ${round(s.p99, 1)} ms`).join('; ')}`);
    return { ids, latency };
  } finally {
    await db.end();
  }
}

/** After figure 8: the account's history grows to `runs` runs (over `jobs` jobs) and `records` records; the reads timed again. */
async function deep(ctx, before) {
  const { runs, records, jobs } = ctx.scale.reads;
  const { ids } = before;
  const db = await ctx.system.adminDb();
  try {
    const started = Date.now();
    await db.query('SET session_replication_role = replica');
    const jobIds = [ids.jobId];
    for (let i = 1; i < jobs; i++) {
      const [{ id }] = (
        await db.query(
          `INSERT INTO jobs (id, account_id, description, status, definition, sealed_secrets, created_at, updated_at)
           SELECT gen_random_uuid(), account_id, 'fig9 history ' || $2, status, definition, sealed_secrets, now(), now() FROM jobs WHERE id = $1 RETURNING id`,
          [ids.jobId, i],
        )
      ).rows;
      jobIds.push(id);
    }
    const perRun = Math.round(records / runs);
    const tag = 'fig9 history';
    for (const jobId of jobIds) {
      // A year of a job's runs (the measured job's too), all older than the measured runs.
      await insertRuns(db, { jobId, accountId: ids.accountId, count: Math.round(runs / jobs), newest: '2 hours', oldest: '89 days', records: perRun, tag });
      await copyRecords(db, `SELECT id, job_id, account_id FROM executions WHERE job_id = $3 AND reason = $4`, [jobId, tag], ids.templateId, perRun);
    }
    await db.query('RESET session_replication_role');
    await db.query('SELECT run_totals_recount()');
    // A year of history is a vacuumed one: without this, autovacuum's first pass over ten million
    // fresh rows and the checkpoint writing them out would run during the timing, and the figure
    // would measure the bulk load instead of the depth.
    await db.query('VACUUM (ANALYZE) executions, status_records, job_runs, account_queues');
    await db.query('CHECKPOINT');
    const [size] = (
      await db.query(`SELECT pg_total_relation_size('status_records')::float8 AS bytes, (SELECT count(*) FROM status_records)::float8 AS rows,
                             (SELECT count(*) FROM executions)::float8 AS runs, (SELECT count(*) FROM executions WHERE account_id = $1)::float8 AS account_runs`, [ids.accountId])
    ).rows;
    const seedSeconds = (Date.now() - started) / 1000;
    ctx.log(`  fig9 seeded in ${round(seedSeconds, 0)} s: ${size.account_runs} runs in the account, ${size.runs} in all, ${size.rows} records (${round(size.bytes / size.rows, 0)} bytes each)`);
    const latency = await timeReads(ctx, ids);
    const rows = Object.keys(latency).map((name) => {
      const ratio = latency[name].p99 / before.latency[name].p99;
      return {
        figure: `9. ${name}: p99 with ${round(size.rows / 1e6, 1)}M records and ${round(size.runs / 1e6, 1)}M runs ÷ before`,
        value: `${round(ratio, 2)} (p99 ${round(latency[name].p99, 1)} vs ${round(before.latency[name].p99, 1)} ms; p50 ${round(latency[name].p50, 1)} vs ${round(before.latency[name].p50, 1)} ms)`,
        target: '≤ 2',
        met: ratio <= 2,
      };
    });
    rows.push({
      figure: '9. bytes stored per status record (table, TOAST and indexes ÷ rows; copies of real records)',
      value: `${round(size.bytes / size.rows, 0)} bytes (${round(size.bytes / 1024 ** 3, 2)} GB for ${size.rows} records)`,
      target: '— (reported)',
      met: null,
    });
    return { rows, detail: { before: before.latency, after: latency, size, seedSeconds, scale: ctx.scale.reads } };
  } finally {
    await db.end();
  }
}

module.exports = { shallow, deep };
