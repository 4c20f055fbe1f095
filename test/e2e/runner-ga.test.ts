import { ApiClient, b64, Reply } from '../support/http';
import { ADMIN_PASSWORD } from '../support/processes';
import { Stack, startStack } from '../support/stack';

// A client of the Runner's GA service (api.runner.ctl.io, 2016) pointed at this service: its paths
// (no /v2/automation prefix), its query strings, and its rule that only 200 and 204 are success.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PING = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n');
const WAIT = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.pause:\n        seconds: 600\n');

/** The GA client's request: JSON, a bearer token, and anything but 200/204 is an error. */
class GaClient {
  constructor(private readonly api: ApiClient) {}

  async call(method: string, path: string, body?: unknown): Promise<any> {
    const reply: Reply = await this.api.request(method, path, body, { accept: 'application/json' });
    if (reply.status !== 200 && reply.status !== 204) throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** Polls an execution the way the GA client did: GET it until its status is one of `statuses`. */
  async until(path: string, statuses: string[]): Promise<any> {
    for (let i = 0; i < 600; i++) {
      const execution = await this.call('GET', path);
      if (statuses.includes(execution.status)) return execution;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${path} never reached ${statuses.join('|')}`);
  }
}

describe("the Runner's GA paths, as its 2016 clients call them", () => {
  let stack: Stack;
  let ga: GaClient;

  beforeAll(async () => {
    stack = await startStack();
    ga = new GaClient(stack.admin);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('creates, reads, lists, updates by sending back the GET body, starts, watches, stops and kills', async () => {
    const job = await ga.call('POST', '/jobs/DEMO', { description: 'ga client', playbook: PING, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    expect(job).toMatchObject({ id: expect.any(String), accountAlias: 'DEMO', description: 'ga client' });
    const got = await ga.call('GET', `/jobs/DEMO/${job.id}`);
    expect((await ga.call('GET', '/jobs/DEMO?page=0&size=50')).results.map((j: any) => j.id)).toContain(job.id);
    const updated = await ga.call('PUT', `/jobs/DEMO/${job.id}`, { ...got, description: 'ga client, updated' });
    expect(updated).toMatchObject({ id: job.id, description: 'ga client, updated' });

    const execution = await ga.call('POST', `/jobs/DEMO/${job.id}/start`, {});
    expect(execution).toMatchObject({ execution_id: expect.any(String), job_id: job.id, account_alias: 'DEMO', status: 'PENDING' });
    const path = `/jobs/DEMO/${job.id}/executions/${execution.execution_id}`;
    const done = await ga.until(path, ['SUCCESS', 'FAILURE', 'INIT_FAILURE']);
    expect(done).toMatchObject({ status: 'SUCCESS', exit_code: 0, failed_hosts: [] });
    expect(done.host_summaries.localhost).toMatchObject({ ok: 1, failures: 0 });
    expect((await ga.call('GET', `/jobs/DEMO/${job.id}/executions?page=0&size=10`)).results[0].execution_id).toBe(execution.execution_id);
    expect((await ga.call('GET', '/jobs/DEMO/executions?status=SUCCESS')).results.map((e: any) => e.execution_id)).toContain(execution.execution_id);

    const records = (await ga.call('GET', `/status/DEMO/job/${job.id}/execution/${execution.execution_id}?afterCounter=0`)).results;
    expect(records.map((r: any) => r.counter)).toEqual(records.map((_: unknown, i: number) => i + 1));
    expect(records.at(-1)).toMatchObject({ event_type: 'playbook_result', execution_id: execution.execution_id, failed: false });
    expect((await ga.call('GET', `/status/DEMO/job/${job.id}`)).results.length).toBe(records.length);

    const waiting = await ga.call('POST', '/jobs/DEMO', { playbook: WAIT, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    const toStop = await ga.call('POST', `/jobs/DEMO/${waiting.id}/start`, {});
    const toKill = await ga.call('POST', `/jobs/DEMO/${waiting.id}/start`, {});
    for (const run of [toStop, toKill]) await ga.until(`/jobs/DEMO/${waiting.id}/executions/${run.execution_id}`, ['RUNNING']);
    expect(await ga.call('POST', `/jobs/DEMO/${waiting.id}/executions/${toStop.execution_id}/stop`, { expiryDuration: 0 })).toMatchObject({ execution_id: toStop.execution_id });
    expect(await ga.call('POST', `/jobs/DEMO/${waiting.id}/executions/${toKill.execution_id}/kill`)).toMatchObject({ execution_id: toKill.execution_id });
    expect((await ga.until(`/jobs/DEMO/${waiting.id}/executions/${toStop.execution_id}`, ['STOPPED', 'KILLED'])).status).toBe('STOPPED');
    expect((await ga.until(`/jobs/DEMO/${waiting.id}/executions/${toKill.execution_id}`, ['KILLED'])).status).toBe('KILLED');

    expect(await ga.call('DELETE', `/jobs/DEMO/${job.id}`)).toBe('');
  });

  it('serves key pairs and service accounts in the shapes the GA clients read', async () => {
    const keypair = await ga.call('POST', '/keypairs/DEMO/ga-key', {});
    expect(keypair).toMatchObject({ alias: 'ga-key', privateKey: expect.stringContaining('PRIVATE KEY') });
    expect((await ga.call('GET', '/keypairs/DEMO/ga-key')).privateKey).toBeUndefined();
    expect((await stack.admin.post('/v2/servers/DEMO', { name: 'ga-server', ipAddress: '10.9.8.7' })).status).toBe(201);
    expect(await ga.call('GET', '/keypairs/DEMO/ga-key/ga-server')).toEqual([]);

    expect(await ga.call('POST', '/serviceAccounts/DEMO', { alias: 'ga-sa', username: 'admin', password: ADMIN_PASSWORD })).toMatchObject({ alias: 'ga-sa' });
    expect(await ga.call('GET', '/serviceAccounts/DEMO')).toEqual({ accounts: [expect.objectContaining({ alias: 'ga-sa', username: 'admin' })] });
    expect(await ga.call('DELETE', '/serviceAccounts/DEMO/ga-sa')).toBe('');
    expect(await ga.call('DELETE', '/keypairs/DEMO/ga-key')).toBe('');
  });

  it('leaves the console its pages on the same paths, and /v2 its own codes', async () => {
    const page = await stack.admin.request('GET', '/jobs/DEMO', undefined, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const created = await stack.admin.post('/v2/automation/jobs/DEMO', { playbook: PING, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    expect(created.status).toBe(201);
    expect((await stack.admin.post(`/v2/automation/jobs/DEMO/${created.body.id}/start`, {})).status).toBe(202);
    // An error stays an error on the GA paths.
    expect((await stack.admin.request('GET', '/jobs/DEMO/00000000-0000-4000-8000-000000000000', undefined, { accept: 'application/json' })).status).toBe(404);
  });
});
