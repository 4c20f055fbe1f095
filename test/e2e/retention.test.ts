import { Client } from 'pg';
import { PortGate } from '../support/gate';
import { ApiClient, b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { Stack, startStack, TERMINAL, waitForStatus } from '../support/stack';

// Retention (README "Retention"): finished runs past their account's retention are deleted with
// everything that references them, in small batches that claims and record writes never wait for.
// Old runs are seeded through SQL (their end is their row's last change, updated_at); the worker's
// retention pass runs every 200 ms here.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const HOSTS = [{ id: 'localhost', hostVars: LOCAL }];
const RETENTION_ENV = { RUNNER_RETENTION_DAYS: '30' };
/** How long one run may take: generous, as a loaded machine starts Ansible slowly (no timing is asserted). */
const RUN_MS = 240_000;

function gatedPlaybook(gate: PortGate): string {
  return b64(
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - ansible.builtin.debug: { msg: before the gate }',
      `    - ansible.builtin.wait_for: ${gate.waitFor}`,
      '    - ansible.builtin.debug: { msg: after the gate }',
      '',
    ].join('\n'),
  );
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('retention of old runs', () => {
  let stack: Stack;
  let admin: ApiClient;
  let adminId: string;
  const gates: PortGate[] = [];

  beforeAll(async () => {
    stack = await startStack(
      // Slots for the two gated runs and the new one; one run at a time per account keeps DEMO's second run queued.
      { ...RETENTION_ENV, RUNNER_RETENTION_INTERVAL_MS: '200', RUNNER_ACCOUNT_MAX_RUNS: '1', RUNNER_WORKER_SLOTS: '4' },
      RETENTION_ENV,
    );
    admin = stack.admin;
    [{ id: adminId }] = await stack.db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`);
  });
  afterAll(async () => {
    for (const gate of gates) gate.close();
    await stack?.stop();
  });

  async function newGate(): Promise<PortGate> {
    const gate = await PortGate.create();
    gates.push(gate);
    return gate;
  }

  async function account(alias: string, parent = 'DEMO'): Promise<void> {
    expect((await admin.post(`/v2/accounts/${parent}`, { alias, name: alias })).status).toBe(201);
  }

  async function job(alias: string, playbook = TRIVIAL_PLAYBOOK): Promise<{ id: string; accountId: string }> {
    const created = await admin.post(`/v2/automation/jobs/${alias}`, { playbook, hosts: HOSTS });
    expect(created.status).toBe(201);
    const [{ account_id: accountId }] = await stack.db.query<{ account_id: string }>(`SELECT account_id FROM jobs WHERE id = $1`, [created.body.id]);
    return { id: created.body.id, accountId };
  }

  async function start(alias: string, jobId: string): Promise<{ id: string; path: string }> {
    const started = await admin.post(`/v2/automation/jobs/${alias}/${jobId}/start`, {});
    expect(started.status).toBe(202);
    return { id: started.body.execution_id, path: `/v2/automation/jobs/${alias}/${jobId}/executions/${started.body.execution_id}` };
  }

  /**
   * Finished runs as a worker leaves them: `records` status records, a transcript, delivered webhook
   * rows and a revoked run token each; ended `daysAgo` days ago (plus i seconds, the first oldest).
   */
  async function seedFinished(target: { id: string; accountId: string }, count: number, records: number, daysAgo: number): Promise<string[]> {
    // One transaction: the workers' retention pass must not delete a run before its rows are in.
    await stack.db.query('BEGIN');
    const rows = await stack.db.query<{ id: string }>(
      `INSERT INTO executions (id, job_id, account_id, status, queued_at, created_at, updated_at, timers, last_counter, output_lines, artifacts)
       SELECT gen_random_uuid(), $1, $2, CASE WHEN i % 2 = 0 THEN 'SUCCESS' ELSE 'FAILURE' END, t, t, t, '[]', $4, 3, '{"seeded": true}'
         FROM generate_series(1, $3) i, LATERAL (SELECT now() - make_interval(days => $5, secs => $3 - i) AS t) x
       RETURNING id`,
      [target.id, target.accountId, count, records, daysAgo],
    );
    const ids = rows.map((r) => r.id);
    await stack.db.query(
      `INSERT INTO status_records (execution_id, counter, id, job_id, account_id, timestamp, event_type, message)
       SELECT e.id, c, gen_random_uuid(), e.job_id, e.account_id, e.updated_at, 'runner_on_ok', 'seeded'
         FROM executions e, generate_series(1, e.last_counter) c WHERE e.id = ANY($1)`,
      [ids],
    );
    await stack.db.query(`INSERT INTO execution_output (execution_id, first_line, line_count, text) SELECT id, 1, 3, 'a\nb\nc' FROM executions WHERE id = ANY($1)`, [ids]);
    await stack.db.query(
      `INSERT INTO webhook_deliveries (execution_id, counter, account_id, url, status, level)
       SELECT id, 1, account_id, 'https://hooks.example.test/x', 'delivered', 'DEBUG' FROM executions WHERE id = ANY($1)`,
      [ids],
    );
    await stack.db.query(
      `INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at, revoked_at, execution_id, account_id)
       SELECT decode(md5(id::text), 'hex'), $2, now(), now() + interval '1 day', now(), id, account_id FROM executions WHERE id = ANY($1)`,
      [ids, adminId],
    );
    await stack.db.query('COMMIT');
    return ids;
  }

  /** Rows left anywhere that references these executions. */
  async function leftovers(ids: string[]): Promise<Record<string, number>> {
    const [row] = await stack.db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM executions WHERE id = ANY($1)) AS executions,
              (SELECT count(*)::int FROM status_records WHERE execution_id = ANY($1)) AS records,
              (SELECT count(*)::int FROM execution_output WHERE execution_id = ANY($1)) AS output,
              (SELECT count(*)::int FROM webhook_deliveries WHERE execution_id = ANY($1)) AS deliveries,
              (SELECT count(*)::int FROM auth_tokens WHERE execution_id = ANY($1)) AS tokens,
              (SELECT count(*)::int FROM schedule_fires WHERE execution_id = ANY($1)) AS fires`,
      [ids],
    );
    return row;
  }

  /** A transaction of the test's own, holding a row lock that a deletion of that record must wait for. */
  async function lockRecord(executionId: string): Promise<Client> {
    const client = new Client({ connectionString: stack.db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SELECT 1 FROM status_records WHERE execution_id = $1 AND counter = 1 FOR UPDATE`, [executionId]);
    return client;
  }

  /** A backend (the worker's retention batch or the api's job deletion) waiting for a row lock while deleting. */
  function deletionWaiting(table: string): Promise<boolean> {
    return until(`a deletion from ${table} waiting for the test's lock`, async () => {
      const [{ n }] = await stack.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [`%DELETE FROM ${table}%`],
      );
      return n > 0;
    });
  }

  it('deletes old runs with their records while a new run is claimed and completes and a running run keeps writing', async () => {
    const gate1 = await newGate();
    const gate2 = await newGate();
    await account('CONC');
    await account('CONCB');
    const demo = await job('DEMO', gatedPlaybook(gate1));
    // Running and queued (RUNNER_ACCOUNT_MAX_RUNS=1) in DEMO; another running one in CONC.
    const running = await start('DEMO', demo.id);
    await waitForStatus(admin, running.path, ['RUNNING']);
    const queued = await start('DEMO', demo.id);
    const writer = await start('CONC', (await job('CONC', gatedPlaybook(gate2))).id);
    await waitForStatus(admin, writer.path, ['RUNNING']);

    // 40 old runs of 500 records (20,000), and a recent one; seeded as recent, so retention leaves
    // them until the test holds its lock, then made old.
    const old = await seedFinished(demo, 40, 500, 0);
    const recent = await seedFinished(demo, 1, 20, 2);
    const schedule = (await stack.db.query<{ id: string }>(
      `INSERT INTO schedules (id, job_id, account_id, description, service_account_alias, trigger_type, expression, enabled, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'seeded', 'none', 'cron', '0 0 * * *', false, now(), now()) RETURNING id`,
      [demo.id, demo.accountId],
    ))[0].id;
    await stack.db.query(`UPDATE executions SET schedule_id = $2 WHERE id = $1`, [old[5], schedule]);
    await stack.db.query(`INSERT INTO schedule_fires (schedule_id, fire_time, execution_id, outcome) VALUES ($1, now() - interval '100 days', $2, 'started')`, [schedule, old[5]]);
    const lock = await lockRecord(old[0]);
    try {
      await stack.db.query(`UPDATE executions SET updated_at = updated_at - interval '100 days' WHERE id = ANY($1)`, [old]);
      // Not finished, however old their last change: never touched.
      await stack.db.query(`UPDATE executions SET updated_at = now() - interval '1000 days' WHERE id = ANY($1)`, [[running.id, queued.id]]);
      await deletionWaiting('executions');

      // The first batch is under way (its transaction waits for the test's lock) ...
      expect((await leftovers(old)).executions).toBe(40);
      // ... and a run of another account is claimed and completes ...
      const fresh = await start('CONCB', (await job('CONCB')).id);
      expect((await waitForStatus(admin, fresh.path, TERMINAL, RUN_MS)).status).toBe('SUCCESS');
      // ... and a running run writes its records to the end.
      const [{ last_counter: before }] = await stack.db.query<{ last_counter: number }>(`SELECT last_counter FROM executions WHERE id = $1`, [writer.id]);
      await gate2.open();
      expect((await waitForStatus(admin, writer.path, TERMINAL, RUN_MS)).status).toBe('SUCCESS');
      const [{ last_counter: after }] = await stack.db.query<{ last_counter: number }>(`SELECT last_counter FROM executions WHERE id = $1`, [writer.id]);
      expect(after).toBeGreaterThan(before);
      await deletionWaiting('executions');
      expect((await leftovers(old)).executions).toBe(40);
    } finally {
      await lock.query('ROLLBACK');
      await lock.end();
    }

    await until('the old runs to be deleted', async () => (await leftovers(old)).executions === 0);
    expect(await leftovers(old)).toEqual({ executions: 0, records: 0, output: 0, deliveries: 0, tokens: 0, fires: 0 });
    for (const id of [old[0], old[39]]) {
      expect((await admin.get(`/v2/automation/jobs/DEMO/${demo.id}/executions/${id}`)).status).toBe(404);
      expect((await admin.get(`/v2/automation/jobs/DEMO/${demo.id}/executions/${id}/stdout`)).status).toBe(404);
    }
    expect(await leftovers(recent)).toEqual({ executions: 1, records: 20, output: 1, deliveries: 1, tokens: 1, fires: 0 });
    expect((await admin.get(`/v2/automation/jobs/DEMO/${demo.id}/executions/${recent[0]}`)).body.status).toMatch(/SUCCESS|FAILURE/);
    expect((await admin.get(running.path)).body.status).toBe('RUNNING');
    expect((await admin.get(queued.path)).body.status).toBe('PENDING');
    const runningRecords = (await leftovers([running.id])).records;
    expect(runningRecords).toBeGreaterThan(2);

    // Released, the running one finishes normally with its records whole (the queued one is stopped:
    // it would only cost another Ansible start).
    expect((await admin.post(`${queued.path}/stop`, {})).status).toBe(202);
    await gate1.open();
    expect((await waitForStatus(admin, running.path, TERMINAL, RUN_MS)).status).toBe('SUCCESS');
    const [{ n }] = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM executions e WHERE e.id = $1 AND e.last_counter = (SELECT count(*) FROM status_records r WHERE r.execution_id = e.id)`,
      [running.id],
    );
    expect(n).toBe(1);
  }, 4 * RUN_MS);

  it('an account sets its own retention, 0 keeps runs forever, and sub-accounts inherit it', async () => {
    await account('KEEP');
    await account('KEEPSUB', 'KEEP');
    await account('SHORT');
    const put = (alias: string, retentionDays: number | null) => admin.put(`/v2/accounts/${alias}/retention`, { retentionDays });
    expect((await put('KEEP', 0)).body).toEqual({ retentionDays: 0, effectiveRetentionDays: 0, setBy: 'KEEP', serviceDefaultDays: 30 });
    expect((await put('SHORT', 5)).status).toBe(200);
    expect((await admin.get('/v2/accounts/KEEPSUB/retention')).body).toEqual({ retentionDays: null, effectiveRetentionDays: 0, setBy: 'KEEP', serviceDefaultDays: 30 });
    expect((await admin.get('/v2/accounts/DEMO/retention')).body).toEqual({ retentionDays: null, effectiveRetentionDays: 30, setBy: null, serviceDefaultDays: 30 });

    const keep = await seedFinished(await job('KEEP'), 2, 5, 400);
    const keepSub = await seedFinished(await job('KEEPSUB'), 2, 5, 400);
    const shortJob = await job('SHORT');
    const shortOld = await seedFinished(shortJob, 2, 5, 10);
    const shortRecent = await seedFinished(shortJob, 1, 5, 2);
    const demoTen = await seedFinished(await job('DEMO'), 1, 5, 10);
    await until('SHORT\'s 10-day-old runs to be deleted (its 5 days)', async () => (await leftovers(shortOld)).executions === 0);
    // A sentinel seeded after that: once it is gone, a later batch looked at every account again.
    const sentinel = await seedFinished(await job('DEMO'), 1, 5, 31);
    await until('the sentinel to be deleted', async () => (await leftovers(sentinel)).executions === 0);
    expect((await leftovers(keep)).executions).toBe(2);
    expect((await leftovers(keepSub)).executions).toBe(2);
    expect((await leftovers(shortRecent)).executions).toBe(1);
    expect((await leftovers(demoTen)).executions).toBe(1);

    // Back to the default (null): KEEP's 400-day-old runs go, under the service's 30 days.
    expect((await put('KEEP', null)).body).toEqual({ retentionDays: null, effectiveRetentionDays: 30, setBy: null, serviceDefaultDays: 30 });
    await until('KEEP\'s and KEEPSUB\'s runs to be deleted', async () => (await leftovers([...keep, ...keepSub])).executions === 0);
  });

  it('refuses bad settings naming the field, other tenants and lesser roles, and changes nothing', async () => {
    await account('TENA');
    await account('TENB');
    expect((await admin.put('/v2/accounts/TENB/retention', { retentionDays: 7 })).status).toBe(200);
    const stored = () => stack.db.query(`SELECT alias, retention_days FROM accounts ORDER BY alias`);
    const before = await stored();

    for (const retentionDays of [-1, 1.5, 36501, 1e300, '30', true, {}]) {
      const reply = await admin.put('/v2/accounts/TENA/retention', { retentionDays });
      expect({ status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({ status: 400, field: 'retentionDays' });
    }
    expect((await admin.put('/v2/accounts/TENA/retention', {})).body.errors?.[0]?.field).toBe('retentionDays');
    expect((await admin.put('/v2/accounts/TENA/retention', { retentionDays: 3, keep: 'x' })).body.errors?.[0]?.field).toBe('keep');

    const user = async (alias: string, username: string, role: string): Promise<ApiClient> => {
      expect((await admin.post(`/v2/users/${alias}`, { username, password: `${username}-password`, roles: [role] })).status).toBe(201);
      const client = new ApiClient(stack.api.url);
      await client.login(username, `${username}-password`);
      return client;
    };
    const tenaAdmin = await user('TENA', 'tena-admin', 'AccountAdmin');
    const tenaServerAdmin = await user('TENA', 'tena-serveradmin', 'ServerAdmin');
    expect((await tenaAdmin.put('/v2/accounts/TENB/retention', { retentionDays: 0 })).status).toBe(403);
    expect((await tenaAdmin.get('/v2/accounts/TENB/retention')).status).toBe(403);
    expect((await tenaAdmin.put('/v2/accounts/DEMO/retention', { retentionDays: 0 })).status).toBe(403);
    expect((await tenaServerAdmin.put('/v2/accounts/TENA/retention', { retentionDays: 0 })).status).toBe(403);
    expect((await tenaServerAdmin.get('/v2/accounts/TENA/retention')).body.effectiveRetentionDays).toBe(30);
    expect(await stored()).toEqual(before);

    // A GET's answer sent back with one field changed is a valid PUT (round trips).
    const shown = (await tenaAdmin.get('/v2/accounts/TENA/retention')).body;
    expect((await tenaAdmin.put('/v2/accounts/TENA/retention', { ...shown, retentionDays: 45 })).body.effectiveRetentionDays).toBe(45);
  });

  it('deleting a job with a long history removes it in batches, then the job', async () => {
    await account('JOBDEL');
    expect((await admin.put('/v2/accounts/JOBDEL/retention', { retentionDays: 0 })).status).toBe(200);
    const target = await job('JOBDEL');
    const history = await seedFinished(target, 30, 500, 1);
    // The newest run is deleted last (oldest first): holding one of its records stops the deletion there.
    const lock = await lockRecord(history[29]);
    let deleted: Promise<{ status: number }>;
    try {
      deleted = admin.delete(`/v2/automation/jobs/JOBDEL/${target.id}`);
      await deletionWaiting('executions');
      // Earlier batches are committed already: the history goes in parts, not in one statement.
      const left = (await leftovers(history)).executions;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(30);
      expect((await admin.get(`/v2/automation/jobs/JOBDEL/${target.id}`)).status).toBe(200);
    } finally {
      await lock.query('ROLLBACK');
      await lock.end();
    }
    expect((await deleted!).status).toBe(204);
    expect(await leftovers(history)).toEqual({ executions: 0, records: 0, output: 0, deliveries: 0, tokens: 0, fires: 0 });
    expect((await admin.get(`/v2/automation/jobs/JOBDEL/${target.id}`)).status).toBe(404);
  });
});
