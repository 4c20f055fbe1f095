import { ApiClient, b64 } from '../support/http';
import { Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedules and service accounts', () => {
  let stack: Stack;
  let client: ApiClient;
  let job: any;

  const executions = async (): Promise<any[]> => (await client.get(`/v2/automation/jobs/DEMO/${job.id}/executions`)).body.results;
  const schedule = (body: object) => client.post(`/v2/automation/jobs/DEMO/${job.id}/schedules`, body);
  /** Makes a schedule due `secondsAgo` ago, as if its fire time had just come. */
  const makeDue = (id: string, secondsAgo: number) =>
    stack.db.query(`UPDATE schedules SET next_run_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, secondsAgo]);

  beforeAll(async () => {
    stack = await startStack();
    await stack.addWorker();
    await stack.addWorker();
    client = stack.admin;
    expect((await client.post('/v2/users/DEMO', { username: 'scheduler', password: 'scheduler-password', roles: ['ServerOperator'] })).status).toBe(201);
    const sa = await client.post('/v2/automation/serviceAccounts/DEMO', { alias: 'nightly', username: 'scheduler', password: 'scheduler-password' });
    expect(sa.status).toBe(201);
    expect(JSON.stringify(sa.body)).not.toContain('scheduler-password');
    job = (await client.post('/v2/automation/jobs/DEMO', { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks: []\n'), hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
  });
  afterAll(async () => stack?.stop());

  it('refuses an invalid cron, a past date and an unknown service account, naming the field', async () => {
    const bad = [
      [{ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '61 * * * *' } }, 'trigger.expression'],
      [{ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '* * *' } }, 'trigger.expression'],
      [{ serviceAccountAlias: 'nightly', trigger: { type: 'date', expression: '2020-01-01T00:00:00Z' } }, 'trigger.expression'],
      [{ serviceAccountAlias: 'nightly', trigger: { type: 'date', expression: 'tomorrow' } }, 'trigger.expression'],
      [{ serviceAccountAlias: 'nobody', trigger: { type: 'cron', expression: '* * * * *' } }, 'serviceAccountAlias'],
      [{ serviceAccountAlias: 'nightly', trigger: { type: 'weekly', expression: 'x' } }, 'trigger.type'],
    ] as const;
    for (const [body, field] of bad) {
      const reply = await schedule(body);
      expect({ field, status: reply.status }).toEqual({ field, status: 400 });
      expect(reply.body.message).toContain(field);
    }
    expect((await client.get(`/v2/automation/jobs/DEMO/${job.id}/schedules`)).body.totalSize).toBe(0);
  });

  it('stores a time zone, computes nextRunTime in it, and refuses an unknown zone naming the field, changing nothing', async () => {
    const path = (id: string) => `/v2/automation/jobs/DEMO/${job.id}/schedules/${id}`;
    /** The next 1 July at `hourUtc`:00 UTC after now: what noon on 1 July in a zone means in UTC. */
    const nextJulyFirst = (hourUtc: number): number => {
      const year = new Date().getUTCFullYear();
      return Date.UTC(year, 6, 1, hourUtc) > Date.now() ? Date.UTC(year, 6, 1, hourUtc) : Date.UTC(year + 1, 6, 1, hourUtc);
    };
    const utc = await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 12 1 7 *' } });
    expect(utc.body).toMatchObject({ timeZone: 'UTC', nextRunTime: nextJulyFirst(12) });
    // Noon in New York on 1 July is EDT (UTC-4): 16:00 UTC.
    const created = await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 12 1 7 *' }, timeZone: 'America/New_York' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ timeZone: 'America/New_York', nextRunTime: nextJulyFirst(16) });
    const [row] = await stack.db.query<{ time_zone: string; next_run_at: Date }>(`SELECT time_zone, next_run_at FROM schedules WHERE id = $1`, [created.body.id]);
    expect(row).toEqual({ time_zone: 'America/New_York', next_run_at: new Date(nextJulyFirst(16)) });

    // A round trip of GET's body with the zone changed moves the next run: noon in Tokyo is 03:00 UTC.
    const got = (await client.get(path(created.body.id))).body;
    const moved = await client.put(path(created.body.id), { ...got, timeZone: 'Asia/Tokyo' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ timeZone: 'Asia/Tokyo', nextRunTime: nextJulyFirst(3) });

    const before = await stack.db.query(`SELECT * FROM schedules ORDER BY id`);
    for (const timeZone of ['Mars/Olympus', '+02:00', 'Local', '', 'Europe/Berlin; DROP TABLE schedules', 42, 'x'.repeat(65)]) {
      const body = { serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 12 1 7 *' }, timeZone };
      for (const reply of [await schedule(body), await client.put(path(created.body.id), body)]) {
        expect({ timeZone, status: reply.status }).toEqual({ timeZone, status: 400 });
        expect(reply.body.message).toContain('timeZone');
      }
    }
    expect(await stack.db.query(`SELECT * FROM schedules ORDER BY id`)).toEqual(before);

    // Another account's administrator can neither read nor change it (the zone adds no way in).
    expect((await client.post('/v2/accounts/DEMO', { alias: 'TZOTHER', name: 'Other' })).status).toBe(201);
    expect((await client.post('/v2/users/TZOTHER', { username: 'tz-other', password: 'tz-other-password', roles: ['AccountAdmin'] })).status).toBe(201);
    const other = new ApiClient(stack.api.url);
    await other.login('tz-other', 'tz-other-password');
    expect((await other.get(path(created.body.id))).status).toBe(403);
    expect((await other.put(path(created.body.id), { ...got, timeZone: 'Europe/Berlin' })).status).toBe(403);
    expect((await other.put(`/v2/automation/jobs/TZOTHER/${job.id}/schedules/${created.body.id}`, { ...got, timeZone: 'Europe/Berlin' })).status).toBe(404);
    expect(await stack.db.query(`SELECT * FROM schedules ORDER BY id`)).toEqual(before);
    for (const id of [utc.body.id, created.body.id]) expect((await client.delete(path(id))).status).toBe(204);
  });

  it('fires a date trigger once and never again', async () => {
    const at = new Date(Date.now() + 2000).toISOString();
    const created = await schedule({ description: 'once', serviceAccountAlias: 'nightly', trigger: { type: 'date', expression: at } });
    expect(created.status).toBe(201);
    expect(created.body.nextRunTime).toBe(Date.parse(at));
    await until(async () => (await executions()).length === 1);
    await pause(3000);
    expect(await executions()).toHaveLength(1);
    expect((await client.get(created.headers.get('location')!)).body.nextRunTime).toBeNull();
    const run = (await executions())[0];
    expect((await waitForStatus(client, `/v2/automation/jobs/DEMO/${job.id}/executions/${run.execution_id}`)).status).toBe('SUCCESS');
  });

  it('starts exactly one execution per fire time with three workers running', async () => {
    const created = (await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 0 1 1 *' } })).body;
    for (let fire = 1; fire <= 3; fire++) {
      const before = (await executions()).length;
      await makeDue(created.id, fire);
      await until(async () => (await executions()).length > before);
      await pause(2500); // every worker has had several passes at it by now
      expect((await executions()).length).toBe(before + 1);
    }
    const fires = await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_fires WHERE schedule_id = $1`, [created.id]);
    expect(fires[0].n).toBe(3);
    expect((await client.delete(`/v2/automation/jobs/DEMO/${job.id}/schedules/${created.id}`)).status).toBe(204);
  });

  it('follows the catch-up policy for fire times missed while no worker ran', async () => {
    const one = (await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '* * * * *' }, catchUp: 'one', enabled: true })).body;
    const none = (await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '* * * * *' }, catchUp: 'none' })).body;
    const before = (await executions()).length;
    const startedAt = new Date();
    // Ten minutes of missed fire times for both, at once.
    await Promise.all([makeDue(one.id, 600), makeDue(none.id, 600)]);
    await until(async () => (await executions()).length > before);
    await pause(2500);
    // Only the fire times that were missed count (a minute boundary may pass during the test).
    const missedFires = async (id: string) =>
      stack.db.query<{ outcome: string }>(`SELECT outcome FROM schedule_fires WHERE schedule_id = $1 AND fire_time < $2`, [id, startedAt]);
    expect((await missedFires(one.id)).map((f) => f.outcome)).toEqual(['started']);
    expect((await missedFires(none.id)).map((f) => f.outcome)).toEqual(['missed']);
    for (const s of [one, none]) {
      const next = (await client.get(`/v2/automation/jobs/DEMO/${job.id}/schedules/${s.id}`)).body.nextRunTime;
      expect(next).toBeGreaterThan(Date.now() - 1000);
      expect((await client.delete(`/v2/automation/jobs/DEMO/${job.id}/schedules/${s.id}`)).status).toBe(204);
    }
  });

  it('skips a fire time while the previous run is active, with overlap "skip"', async () => {
    const slow = (await client.post('/v2/automation/jobs/DEMO', { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 4\n'), hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const created = (await client.post(`/v2/automation/jobs/DEMO/${slow.id}/schedules`, { serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 0 1 1 *' }, overlap: 'skip' })).body;
    await makeDue(created.id, 2);
    await until(async () => (await stack.db.query(`SELECT 1 FROM executions WHERE schedule_id = $1 AND status = 'RUNNING'`, [created.id])).length === 1);
    await makeDue(created.id, 1);
    await until(async () => (await stack.db.query(`SELECT 1 FROM schedule_fires WHERE schedule_id = $1`, [created.id])).length === 2);
    const fires = await stack.db.query<{ outcome: string }>(`SELECT outcome FROM schedule_fires WHERE schedule_id = $1 ORDER BY fire_time`, [created.id]);
    expect(fires.map((f) => f.outcome)).toEqual(['started', 'skipped: the previous run is still active']);
    expect(await stack.db.query(`SELECT 1 FROM executions WHERE schedule_id = $1`, [created.id])).toHaveLength(1);
  });

  it('gives INIT_FAILURE with the reason when the service account can no longer log in', async () => {
    expect((await client.put('/v2/automation/serviceAccounts/DEMO/nightly', { username: 'scheduler', password: 'not-the-password' })).status).toBe(200);
    const at = new Date(Date.now() + 1500).toISOString();
    const created = (await schedule({ serviceAccountAlias: 'nightly', trigger: { type: 'date', expression: at } })).body;
    await until(async () => (await stack.db.query(`SELECT 1 FROM executions WHERE schedule_id = $1`, [created.id])).length === 1);
    const [row] = await stack.db.query<{ id: string }>(`SELECT id FROM executions WHERE schedule_id = $1`, [created.id]);
    const done = await waitForStatus(client, `/v2/automation/jobs/DEMO/${job.id}/executions/${row.id}`);
    expect(done.status).toBe('INIT_FAILURE');
    expect(done.reason).toMatch(/service account nightly cannot log in as scheduler/);
  });

  it('deletes the schedules of a deleted job', async () => {
    const other = (await client.post('/v2/automation/jobs/DEMO', { playbook: b64('- hosts: all\n  tasks: []\n') })).body;
    const created = await client.post(`/v2/automation/jobs/DEMO/${other.id}/schedules`, { serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 3 * * *' } });
    expect(created.status).toBe(201);
    expect((await client.delete(`/v2/automation/jobs/DEMO/${other.id}`)).status).toBe(204);
    expect(await stack.db.query(`SELECT 1 FROM schedules WHERE id = $1`, [created.body.id])).toEqual([]);
  });
});
