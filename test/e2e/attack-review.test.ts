import * as http from 'node:http';
import { b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

// Attack review of secret variables and tenant limits: an account's admin or operator sending what
// the forms do not expect, or starting runs by ways other than POST …/start, past the limits.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const FAILING = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.fail:\n        msg: no\n');
const WAITING = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.pause:\n        seconds: 600\n');

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('attack review: secret variables and limits', () => {
  let stack: Stack;
  const base = '/v2/automation/jobs/DEMO';

  beforeAll(async () => {
    // One run at a time and one queued per account: the limits an attacker tries to get past.
    const limits = { RUNNER_ACCOUNT_MAX_RUNS: '1', RUNNER_ACCOUNT_MAX_QUEUED: '1', RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' };
    stack = await startStack(limits, limits);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  // Whatever a test leaves queued or running (also when it fails) is killed before the next one.
  afterEach(async () => {
    const active = await stack.db.query<{ id: string; job_id: string }>(
      `SELECT id, job_id FROM executions WHERE status IN ('PENDING', 'INITIALIZING', 'RUNNING', 'STOPPING')`,
    );
    for (const e of active) await stack.admin.post(`${base}/${e.job_id}/executions/${e.id}/kill`, {});
    await until(async () => (await stack.db.query(`SELECT 1 FROM executions WHERE status IN ('PENDING', 'INITIALIZING', 'RUNNING', 'STOPPING', 'KILLING')`)).length === 0, 60_000);
  });

  const queued = async (): Promise<number> =>
    (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM executions e JOIN accounts a ON a.id = e.account_id WHERE a.alias = 'DEMO' AND e.status = 'PENDING'`))[0].n;

  it('answers odd secret variables with a 4xx naming the field, never a 500, and stores nothing', async () => {
    const admin = stack.admin;
    const job = { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks: []\n'), hosts: [{ id: 'localhost', hostVars: LOCAL }] };
    const created = (await admin.post(base, { ...job, secretProperties: { db_password: 'stored-secret-1' } })).body;
    const odd: Record<string, unknown>[] = [
      { secretProperties: [] },
      { secretProperties: ['stored-secret-1'] },
      { secretProperties: 'stored-secret-1' },
      { secretProperties: 12345678 },
      { secretProperties: { db_password: ['stored-secret-1'] } },
      { secretProperties: { db_password: { value: 'stored-secret-1' } } },
      { secretProperties: { db_password: 123456789 } },
      { secretProperties: { db_password: true } },
      { secretProperties: { constructor: '$encrypted$' } },
      { secretProperties: { toString: '$encrypted$' } },
      { secretProperties: { hasOwnProperty: 'stored-secret-2' } },
      { secretProperties: { '': 'stored-secret-2' } },
      { properties: { ansible_password: { nested: '$encrypted$' } } },
      { properties: { ansible_password: ['$encrypted$'] } },
      { hosts: [{ id: 'constructor', hostVars: { ansible_password: '$encrypted$' } }] },
      { hosts: [{ id: 'localhost', hostVars: { ansible_password: 12345678 } }] },
      { hosts: [{ id: 'localhost', hostVars: [] }] },
      { hosts: [{ id: 'localhost', hostVars: null }] },
      { secretProperties: null, properties: null },
    ];
    for (const extra of odd) {
      for (const [method, path] of [
        ['POST', base],
        ['PUT', `${base}/${created.id}`],
      ] as const) {
        const reply = await admin.request(method, path, { ...job, ...extra });
        expect({ extra, method, status: reply.status < 500 }).toEqual({ extra, method, status: true });
      }
      const start = await admin.post(`${base}/${created.id}/start`, extra);
      expect({ extra, start: start.status < 500 }).toEqual({ extra, start: true });
      if (start.status === 202) await admin.post(`${base}/${created.id}/executions/${start.body.execution_id}/kill`, {});
      await until(async () => (await queued()) === 0);
    }
    // "$encrypted$" under a name nothing is stored under is refused, prototype names included.
    expect((await admin.put(`${base}/${created.id}`, { ...job, secretProperties: { db_password: 'stored-secret-1' } })).status).toBe(200);
    for (const name of ['constructor', 'toString', 'valueOf']) {
      const reply = await admin.put(`${base}/${created.id}`, { ...job, secretProperties: { db_password: '$encrypted$', [name]: '$encrypted$' } });
      // Refused, or the name left out (the body's validation may drop it): never shown as stored.
      const claimed = reply.status === 200 && Object.hasOwn(reply.body.secretProperties ?? {}, name);
      expect({ name, status: reply.status < 500, claimed }).toEqual({ name, status: true, claimed: false });
    }
  });

  it('a restart of failed runs does not queue past RUNNER_ACCOUNT_MAX_QUEUED', async () => {
    const admin = stack.admin;
    const failing = (await admin.post(base, { playbook: FAILING, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const failed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const started = await admin.post(`${base}/${failing.id}/start`, {});
      expect(started.status).toBe(202);
      expect((await waitForStatus(admin, `${base}/${failing.id}/executions/${started.body.execution_id}`)).status).toBe('FAILURE');
      failed.push(started.body.execution_id);
    }
    // One run holds the account's only slot, one waits: the queue is full.
    const waiting = (await admin.post(base, { playbook: WAITING, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const running = await admin.post(`${base}/${waiting.id}/start`, {});
    await waitForStatus(admin, `${base}/${waiting.id}/executions/${running.body.execution_id}`, ['RUNNING']);
    const next = await admin.post(`${base}/${waiting.id}/start`, {});
    expect(next.status).toBe(202);
    expect((await admin.post(`${base}/${waiting.id}/start`, {})).status).toBe(429);

    const restarts = [];
    for (const id of failed) restarts.push((await admin.post(`${base}/${failing.id}/executions/${id}/restart`, {})).status);
    expect({ restarts, queued: await queued() }).toEqual({ restarts: [429, 429], queued: 1 });
  });

  it('a schedule does not queue past RUNNER_ACCOUNT_MAX_QUEUED', async () => {
    const admin = stack.admin;
    expect((await admin.post('/v2/users/DEMO', { username: 'attack-sa', password: 'attack-sa-password', roles: ['ServerOperator'] })).status).toBe(201);
    expect((await admin.post('/v2/automation/serviceAccounts/DEMO', { alias: 'attacksa', username: 'attack-sa', password: 'attack-sa-password' })).status).toBe(201);
    const waiting = (await admin.post(base, { playbook: WAITING, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const running = await admin.post(`${base}/${waiting.id}/start`, {});
    await waitForStatus(admin, `${base}/${waiting.id}/executions/${running.body.execution_id}`, ['RUNNING']);
    const next = await admin.post(`${base}/${waiting.id}/start`, {});
    expect(next.status).toBe(202);

    // Several schedules that allow overlap, all due now: each fire would be one more queued run.
    const schedules: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await admin.post(`${base}/${waiting.id}/schedules`, { serviceAccountAlias: 'attacksa', trigger: { type: 'cron', expression: '0 0 1 1 *' }, overlap: 'allow' });
      expect(created.status).toBe(201);
      schedules.push(created.body.id);
    }
    await stack.db.query(`UPDATE schedules SET next_run_at = now() - interval '1 second' WHERE id = ANY($1)`, [schedules]);
    const fired = async () =>
      (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_fires WHERE schedule_id = ANY($1)`, [schedules]))[0].n;
    await until(async () => (await fired()) === 3);
    const outcomes = await stack.db.query<{ outcome: string }>(`SELECT outcome FROM schedule_fires WHERE schedule_id = ANY($1)`, [schedules]);
    expect({ queued: await queued(), outcomes: outcomes.map((o) => o.outcome) }).toEqual({
      queued: 1,
      outcomes: Array(3).fill(expect.stringMatching(/RUNNER_ACCOUNT_MAX_QUEUED/)),
    });

    for (const id of schedules) await admin.delete(`${base}/${waiting.id}/schedules/${id}`);
  });

  it("one account's refused deliveries do not hold up another account's to the same URL", async () => {
    const admin = stack.admin;
    for (const alias of ['HOLA', 'HOLB']) expect((await admin.post('/v2/accounts/DEMO', { alias, name: alias })).status).toBe(201);
    // One receiver, shared by two teams (or whose URL one tenant learnt): it refuses what it does
    // not expect, here every delivery about A's run (as it would one signed with A's secret).
    const refuse = new Set<string>();
    const accepted: any[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ([...refuse].some((id) => body.includes(id))) return void response.writeHead(401).end();
        accepted.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/runner`;
    try {
      const job = { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }], callbacks: [{ url }] };
      const aJob = (await admin.post('/v2/automation/jobs/HOLA', job)).body;
      // Its deliveries are refused from the first: retried with backoff for minutes, 10 times each.
      refuse.add(aJob.id);
      const aStart = await admin.post(`/v2/automation/jobs/HOLA/${aJob.id}/start`, {});
      refuse.add(aStart.body.execution_id);
      expect((await waitForStatus(admin, `/v2/automation/jobs/HOLA/${aJob.id}/executions/${aStart.body.execution_id}`)).status).toBe('SUCCESS');

      const b = await createAndStart(admin, 'HOLB', job);
      expect((await waitForStatus(admin, b.path)).status).toBe('SUCCESS');
      const stored = await allRecords(admin, 'HOLB', b.job.id, b.execution.execution_id);
      // Generous: B's few records take a second or two when they are not stuck behind A's.
      await until(async () => accepted.length >= stored.length, 90_000).catch(() => undefined);
      expect({ delivered: accepted.length }).toEqual({ delivered: stored.length });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
