import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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

  it('lists the runners and their running executions to a root AccountAdmin only', async () => {
    const path = await start('sleep 3');
    await waitForStatus(client, path, ['RUNNING']);
    const runners = (await client.get('/v2/automation/runners')).body;
    expect(runners).toHaveLength(1);
    expect(runners[0]).toMatchObject({ slots: 2, draining: false, runningExecutions: [path.split('/').pop()] });
    expect(runners[0].ansible).toMatch(/ansible-playbook/);
    expect((await client.post('/v2/users/DEMO', { username: 'viewer', password: 'viewer-password', roles: ['AccountViewer'] })).status).toBe(201);
    const viewer = new ApiClient(stack.api.url);
    await viewer.login('viewer', 'viewer-password');
    expect((await viewer.get('/v2/automation/runners')).status).toBe(403);
    await waitForStatus(client, path);
  });

  it('kill -9 of a worker mid-run: its Ansible dies with it and the run ends "runner lost"', async () => {
    const path = await start('sleep 305.25');
    await waitForStatus(client, path, ['RUNNING']);
    await until(() => processCommandLines().some((c) => c.includes('sleep 305.25')));
    await stack.worker.stop('SIGKILL');
    // Nothing of this run survives: the command, and ansible-playbook in the run's workspace.
    const workspace = path.split('/').pop()!.slice(0, 8);
    await until(() => !processCommandLines().some((c) => c.includes('sleep 305.25') || c.includes(`/workspaces/${workspace}`)), 10_000);
    const workspaces = join(stack.workerDataDir, 'workspaces');
    expect(readdirSync(workspaces).some((name) => name.startsWith(workspace))).toBe(true);
    await stack.restartWorker();
    const done = await waitForStatus(client, path, ['FAILURE', 'PENDING'], 60_000);
    expect(done).toMatchObject({ status: 'FAILURE', reason: 'runner lost' });
    // The workspace the killed worker left (inventory, extra vars) is removed by the new one.
    await until(() => !readdirSync(workspaces).some((name) => name.startsWith(workspace)), 30_000);
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
