import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { b64 } from '../support/http';
import { ROOT, ServiceProcess } from '../support/processes';
import { Stack, startStack, TERMINAL } from '../support/stack';

const RUNS = 200;
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
// The workers run test/support/fake-ansible/ansible-playbook (see there why), in the run sandbox
// like the real one: like this playbook, it tells the test's mark server once when it executes: a
// run executed twice (two owners, or a blind repeat) would be marked twice. The real
// ansible-playbook is killed with its worker in faults.test.ts.
const FAKE_ANSIBLE = path.join(ROOT, 'test', 'support', 'fake-ansible', 'ansible-playbook');
const PLAYBOOK = b64(`- hosts: all
  gather_facts: false
  tasks:
    - name: mark
      ansible.builtin.uri: { url: "{{ chaos_url }}/{{ run }}", method: POST }
`);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(`chaos: ${RUNS} executions over 3 workers killed and restarted at random`, () => {
  let stack: Stack;
  const marks = new Map<string, number>();
  const markServer = http.createServer((req, res) => {
    marks.set(req.url!.slice(1), (marks.get(req.url!.slice(1)) ?? 0) + 1);
    res.end();
  });
  let chaosUrl: string;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve) => markServer.listen(0, '127.0.0.1', resolve));
    chaosUrl = `http://127.0.0.1:${(markServer.address() as AddressInfo).port}`;
    stack = await startStack({ RUNNER_LEASE_SECONDS: '3', RUNNER_WORKER_SLOTS: '2', RUNNER_ANSIBLE_PLAYBOOK: FAKE_ANSIBLE });
    workers.push(stack.worker, await stack.addWorker(), await stack.addWorker());
  });
  afterAll(async () => {
    await stack?.stop();
    markServer.close();
  });

  it('every execution ends, none ever had two owners at once or ran twice, and the counts add up', async () => {
    const job = (await stack.admin.post('/v2/automation/jobs/DEMO', { playbook: PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const ids: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = await stack.admin.post(`/v2/automation/jobs/DEMO/${job.id}/start`, { properties: { run, chaos_url: chaosUrl } });
      expect(started.status).toBe(202);
      ids.push(started.body.execution_id);
    }

    const unfinished = async (): Promise<number> =>
      Number((await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM executions WHERE status <> ALL($1)`, [TERMINAL]))[0].n);

    // Kill -9 a random worker every 2-4 s and start a new one a moment later, while a fifth of the runs
    // or more are still to go; then let the rest finish.
    let kills = 0;
    const deadline = Date.now() + 12 * 60_000;
    while ((await unfinished()) > RUNS / 5) {
      if (Date.now() > deadline) throw new Error(`runs still unfinished: ${await unfinished()}`);
      await sleep(2000 + Math.random() * 2000);
      const victim = Math.floor(Math.random() * workers.length);
      await workers[victim].stop('SIGKILL');
      kills++;
      await sleep(Math.random() * 1500);
      workers[victim] = await stack.addWorker();
    }
    while ((await unfinished()) > 0) {
      if (Date.now() > deadline) throw new Error(`runs still unfinished: ${await unfinished()}`);
      await sleep(1000);
    }
    expect(kills).toBeGreaterThan(0);

    const executions = await stack.db.query<{ id: string; status: string; reason: string | null; attempt: number }>(
      `SELECT id, status, reason, attempt FROM executions WHERE id = ANY($1)`,
      [ids],
    );
    expect(executions).toHaveLength(RUNS);
    const byStatus: Record<string, number> = {};
    for (const e of executions) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    // The counts add up: every run succeeded or was lost with its runner, nothing else.
    expect(byStatus.SUCCESS).toBeGreaterThan(0);
    expect((byStatus.SUCCESS ?? 0) + (byStatus.FAILURE ?? 0)).toBe(RUNS);
    for (const e of executions.filter((x) => x.status === 'FAILURE')) expect(e.reason).toBe('runner lost');

    // The stored attempt history: per run, its execution_status records in counter order.
    const history = await stack.db.query<{ execution_id: string; statuses: { status: string; attempt?: number; owner?: string }[] }>(
      `SELECT execution_id, json_agg(event_data ORDER BY counter) AS statuses
         FROM status_records WHERE execution_id = ANY($1) AND event_type = 'execution_status' GROUP BY execution_id`,
      [ids],
    );
    expect(history).toHaveLength(RUNS);
    for (const { execution_id, statuses } of history) {
      const execution = executions.find((e) => e.id === execution_id)!;
      const sequence = statuses.map((s) => s.status);
      // PENDING, then claims; a claim ends (PENDING again: released before Ansible started; or a
      // terminal status) before the next claim begins, and its attempt is the next number.
      expect(sequence[0]).toBe('PENDING');
      let attempt = 0;
      let held = false;
      for (const entry of statuses.slice(1)) {
        if (entry.status === 'INITIALIZING') {
          expect(held).toBe(false);
          expect(entry.attempt).toBe(++attempt);
          expect(entry.owner).toEqual(expect.any(String));
          held = true;
        } else if (entry.status === 'PENDING') {
          expect(held).toBe(true);
          held = false;
        } else {
          expect(held).toBe(true);
        }
      }
      expect(sequence.at(-1)).toBe(execution.status);
      expect(attempt).toBe(execution.attempt);
      // Never repeated once Ansible had started: at most one RUNNING.
      expect(sequence.filter((s) => s === 'RUNNING').length).toBeLessThanOrEqual(1);
    }

    // What Ansible really did: each run's task ran at most once, and exactly once for a SUCCESS.
    const runOf = new Map(ids.map((id, run) => [id, run]));
    for (const e of executions) {
      const lines = marks.get(String(runOf.get(e.id))) ?? 0;
      expect(lines).toBeLessThanOrEqual(1);
      if (e.status === 'SUCCESS') expect(lines).toBe(1);
    }
  }, 15 * 60_000);
});
