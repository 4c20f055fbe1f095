import { ApiClient, b64 } from '../support/http';
import { processCommandLines, Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('faults: a worker killed or told to stop', () => {
  let stack: Stack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await startStack({ RUNNER_LEASE_SECONDS: '3', RUNNER_DRAIN_SECONDS: '30' });
    client = stack.admin;
  });
  afterAll(async () => stack?.stop());

  async function start(command: string): Promise<string> {
    const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: ${command}\n`), hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`)).body;
    return `/v2/automation/jobs/DEMO/${job.id}/executions/${execution.execution_id}`;
  }

  it('kill -9 of a worker mid-run: its Ansible dies with it and the run ends "runner lost"', async () => {
    const path = await start('sleep 305.25');
    await waitForStatus(client, path, ['RUNNING']);
    await until(() => processCommandLines().some((c) => c.includes('sleep 305.25')));
    await stack.worker.stop('SIGKILL');
    await until(() => !processCommandLines().some((c) => c.includes('sleep 305.25') || c.includes('ansible-playbook')), 10_000);
    await stack.restartWorker();
    const done = await waitForStatus(client, path, ['FAILURE', 'PENDING'], 60_000);
    expect(done).toMatchObject({ status: 'FAILURE', reason: 'runner lost' });
  });

  it('SIGTERM lets a running execution finish before the worker exits', async () => {
    const path = await start('sleep 2');
    await waitForStatus(client, path, ['RUNNING']);
    const exit = stack.worker.stop('SIGTERM');
    const done = await waitForStatus(client, path);
    expect(done.status).toBe('SUCCESS');
    // Nest re-raises SIGTERM after its shutdown hooks, so a clean drain ends "by SIGTERM".
    expect([0, null]).toContain(await exit);
    expect(stack.worker.output()).toMatch(/"msg":"draining","runs":1/);
    await stack.restartWorker();
  });
});
