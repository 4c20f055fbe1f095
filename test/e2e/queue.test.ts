import { ApiClient, b64 } from '../support/http';
import { Stack, startStack, TERMINAL, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const QUICK = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 0.2\n');

/** Largest number of [start, end] intervals that overlap at any moment. */
function maxOverlap(intervals: { start: number; end: number }[]): number {
  const points = intervals.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let max = 0;
  for (const p of points) max = Math.max(max, (current += p.d));
  return max;
}

describe('the queue: slots, FIFO within an account, fairness between accounts, TTL', () => {
  let stack: Stack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await startStack({ RUNNER_WORKER_SLOTS: '2' });
    client = stack.admin;
    expect((await client.post('/v2/accounts/DEMO', { alias: 'FAIR', name: 'fairness' })).status).toBe(201);
  });
  afterAll(async () => stack?.stop());

  it('runs 20 queued executions on 2 slots: all finish, never more than 2 at once, FIFO', async () => {
    const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: QUICK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const started: any[] = [];
    for (let i = 0; i < 20; i++) started.push((await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`)).body);
    const done = [];
    for (const e of started) done.push(await waitForStatus(client, `/v2/automation/jobs/DEMO/${job.id}/executions/${e.execution_id}`));
    expect(done.map((e) => e.status)).toEqual(Array(20).fill('SUCCESS'));
    expect(maxOverlap(done.map((e) => ({ start: e.timers[0].start, end: e.timers[0].end })))).toBeLessThanOrEqual(2);
    const starts = done.map((e) => e.timers[0].start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    // ~30 s alone; beside the chaos test on 2 cores each run can take 10 s or more.
  }, 300_000);

  it('lets a second account in before the first account has drained its queue', async () => {
    const demoJob = (await client.post('/v2/automation/jobs/DEMO', { playbook: QUICK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const fairJob = (await client.post('/v2/automation/jobs/FAIR', { playbook: QUICK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const demo: string[] = [];
    const fair: string[] = [];
    for (let i = 0; i < 10; i++) demo.push((await client.post(`/v2/automation/jobs/DEMO/${demoJob.id}/start`)).body.execution_id);
    for (let i = 0; i < 2; i++) fair.push((await client.post(`/v2/automation/jobs/FAIR/${fairJob.id}/start`)).body.execution_id);
    const finish = async (alias: string, jobId: string, ids: string[]) =>
      Promise.all(ids.map((id) => waitForStatus(client, `/v2/automation/jobs/${alias}/${jobId}/executions/${id}`)));
    const [demoDone, fairDone] = await Promise.all([finish('DEMO', demoJob.id, demo), finish('FAIR', fairJob.id, fair)]);
    const lastFairStart = Math.max(...fairDone.map((e) => e.timers[0].start));
    const demoStarts = demoDone.map((e) => e.timers[0].start).sort((a, b) => a - b);
    // Queued after all ten, yet both FAIR runs started before DEMO's last few.
    expect(lastFairStart).toBeLessThan(demoStarts[demoStarts.length - 2]);
  });

  it('stops a run that outlives its executionTtl, with the reason', async () => {
    const job = (
      await client.post('/v2/automation/jobs/DEMO', {
        playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 304.25\n'),
        hosts: [{ id: 'localhost', hostVars: LOCAL }],
        executionTtl: 1,
      })
    ).body;
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`)).body;
    const done = await waitForStatus(client, `/v2/automation/jobs/DEMO/${job.id}/executions/${execution.execution_id}`, TERMINAL, 150_000);
    expect(done.status).toBe('STOPPED');
    expect(done.reason).toMatch(/exceeded its executionTtl of 1 minute/);
  });
});
