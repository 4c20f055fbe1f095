import { b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { Stack, startStack, waitForStatus } from '../support/stack';

// Tenant limits (README "Limits"), set low here so a test can reach them: what one account asks for
// beyond them is refused with a reason naming the setting, and a run that prints more than the
// worker should hold is cut, not held in the worker's memory.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

describe('tenant limits', () => {
  let stack: Stack;
  const base = '/v2/automation/jobs/DEMO';

  beforeAll(async () => {
    stack = await startStack(
      { RUNNER_MAX_LINE_KB: '1', RUNNER_ACCOUNT_MAX_RUNS: '1' },
      { RUNNER_MAX_FORKS: '10', RUNNER_MAX_JOB_HOSTS: '3', RUNNER_ACCOUNT_MAX_QUEUED: '2' },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses forks and hosts over the limits, naming the setting, and stores nothing', async () => {
    const admin = stack.admin;
    const hosts = (n: number) => [...Array(n).keys()].map((i) => ({ id: `h${i}` }));
    const over = [
      [{ playbook: TRIVIAL_PLAYBOOK, hosts: hosts(1), forks: 11 }, /forks: .*limit of 10 \(RUNNER_MAX_FORKS\)/],
      [{ playbook: TRIVIAL_PLAYBOOK, hosts: hosts(4) }, /hosts: lists 4 hosts.*RUNNER_MAX_JOB_HOSTS/],
    ] as const;
    for (const [body, message] of over) {
      const reply = await admin.post(base, body);
      expect({ status: reply.status, message: reply.body.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect((await admin.get(base)).body.totalSize).toBe(0);
    expect((await admin.post(base, { playbook: TRIVIAL_PLAYBOOK, hosts: hosts(3), forks: 10 })).status).toBe(201);
  });

  it('an account with its queue full gets 429 while another account still starts runs', async () => {
    const admin = stack.admin;
    const waiting = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.pause:\n        seconds: 600\n');
    const job = (await admin.post(base, { playbook: waiting, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const start = () => admin.post(`${base}/${job.id}/start`, {});
    const first = await start();
    // RUNNER_ACCOUNT_MAX_RUNS=1: the first runs, the next two wait in the queue.
    await waitForStatus(admin, `${base}/${job.id}/executions/${first.body.execution_id}`, ['RUNNING']);
    const queued = [await start(), await start()];
    expect(queued.map((r) => r.status)).toEqual([202, 202]);
    const refused = await start();
    expect({ status: refused.status, message: refused.body.message, retry: refused.headers.get('retry-after') }).toEqual({
      status: 429,
      message: expect.stringMatching(/2 runs queued.*RUNNER_ACCOUNT_MAX_QUEUED/),
      retry: '30',
    });
    expect((await admin.get(`${base}/${job.id}/executions`)).body.totalSize).toBe(3);

    expect((await admin.post('/v2/accounts/DEMO', { alias: 'LIMB', name: 'another tenant' })).status).toBe(201);
    const other = (await admin.post('/v2/automation/jobs/LIMB', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    expect((await admin.post(`/v2/automation/jobs/LIMB/${other.id}/start`, {})).status).toBe(202);

    for (const run of [first, ...queued]) await admin.post(`${base}/${job.id}/executions/${run.body.execution_id}/kill`, {});
  });

  it('a run printing a line far over RUNNER_MAX_LINE_KB has it cut and still succeeds', async () => {
    const admin = stack.admin;
    const playbook = b64(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - ansible.builtin.shell: head -c 200000 /dev/zero | tr "\\\\0" x',
        '      register: big',
        '    - ansible.builtin.debug:',
        '        msg: "{{ big.stdout }}"',
        '',
      ].join('\n'),
    );
    const job = (await admin.post(base, { playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const started = await admin.post(`${base}/${job.id}/start`, {});
    const path = `${base}/${job.id}/executions/${started.body.execution_id}`;
    const done = await waitForStatus(admin, path);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    const stdout: string = (await admin.get(`${path}/stdout`)).body;
    expect(stdout).toMatch(/x{1000}.* \[… line cut: \d{6} bytes in all\]/);
    expect(stdout).toMatch(/an Ansible event of \d{6} bytes was left out: over 8 KiB/);
    expect(Math.max(...stdout.split('\n').map((line) => line.length))).toBeLessThan(1200);
  });
});
