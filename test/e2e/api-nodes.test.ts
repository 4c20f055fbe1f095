import { TestDatabase } from '../support/database';
import { ApiClient, TRIVIAL_PLAYBOOK } from '../support/http';
import { ADMIN_PASSWORD, ApiHandle, startApi } from '../support/processes';
import { ended, RecordClient } from '../support/socket';
import { Stack, startStack } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

describe('several api nodes on one database', () => {
  let stack: Stack;
  let db: TestDatabase;
  let second: ApiHandle;
  const sockets: RecordClient[] = [];

  beforeAll(async () => {
    // Node 1 is the stack's api; node 2 drains for 3 s on SIGTERM, like a node behind a load balancer.
    // Node 1 trusts a looked-up token for 10 minutes: only the invalidation can make it let go sooner.
    stack = await startStack({}, { RUNNER_TOKEN_CACHE_SECONDS: '600' });
    db = stack.db;
    second = await startApi(db.url, { RUNNER_API_DRAIN_SECONDS: '3' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await second?.stop();
    await stack?.stop();
  });

  async function socketOn(url: string, token: string): Promise<RecordClient> {
    const socket = new RecordClient(url, token);
    sockets.push(socket);
    await socket.connect();
    return socket;
  }

  it('a subscriber on node 1 sees, live and complete, a run started through node 2 and executed by the worker', async () => {
    const viaSecond = new ApiClient(second.url);
    await viaSecond.login('admin', ADMIN_PASSWORD);
    const job = (await viaSecond.post('/v2/automation/jobs/DEMO', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const subscriber = await socketOn(stack.api.url, stack.admin.token!);
    expect(await subscriber.subscribe({ accountAlias: 'DEMO', jobId: job.id })).toEqual({ ok: true });

    const started = await viaSecond.post(`/v2/automation/jobs/DEMO/${job.id}/start`);
    expect(started.status).toBe(202);
    await subscriber.waitFor(ended);
    const mine = subscriber.records.filter((r) => r.execution_id === started.body.execution_id);
    expect(mine.map((r) => r.counter)).toEqual(mine.map((_, i) => i + 1));
    expect(mine.at(-1)).toMatchObject({ event_type: 'playbook_result', failed: false });
    expect(mine.some((r) => r.event_type === 'runner_on_ok' && r.host === 'localhost')).toBe(true);
  });

  it('a token revoked, or a user deleted, through node 2 stops working on node 1 at once, whatever node 1 had cached', async () => {
    const jobs = '/v2/automation/jobs/DEMO';
    const untilRefused = async (client: ApiClient): Promise<number> => {
      for (let i = 0; i < 50; i++) {
        const status = (await client.get(jobs)).status;
        if (status !== 200) return status;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 200;
    };
    const onSecond = new ApiClient(second.url);
    await onSecond.login('admin', ADMIN_PASSWORD);
    const onFirst = new ApiClient(stack.api.url, onSecond.token);
    expect((await onFirst.get(jobs)).status).toBe(200);
    expect((await onSecond.post('/v2/authentication/logout')).status).toBe(204);
    expect(await untilRefused(onFirst)).toBe(401);

    expect((await stack.admin.post('/v2/users/DEMO', { username: 'leaving', password: 'leaving-password', roles: ['AccountViewer'] })).status).toBe(201);
    const leaving = new ApiClient(stack.api.url);
    await leaving.login('leaving', 'leaving-password');
    expect((await leaving.get(jobs)).status).toBe(200);
    const admin2 = new ApiClient(second.url);
    await admin2.login('admin', ADMIN_PASSWORD);
    expect((await admin2.delete('/v2/users/DEMO/leaving')).status).toBe(204);
    expect(await untilRefused(leaving)).toBe(401);
  });

  it('the job list on node 1 shows at once each change made through node 2, though node 1 keeps rendered pages', async () => {
    const viaSecond = new ApiClient(second.url);
    await viaSecond.login('admin', ADMIN_PASSWORD);
    expect((await viaSecond.post('/v2/accounts/DEMO', { alias: 'NODES', name: 'nodes' })).status).toBe(201);
    const list = async (): Promise<string[]> => (await stack.admin.get('/v2/automation/jobs/NODES?size=5')).body.results.map((j: any) => j.description);
    expect(await list()).toEqual([]);
    const job = (await viaSecond.post('/v2/automation/jobs/NODES', { description: 'made on node 2', playbook: TRIVIAL_PLAYBOOK })).body;
    expect(await list()).toEqual(['made on node 2']);
    expect(await list()).toEqual(['made on node 2']);
    expect((await viaSecond.put(`/v2/automation/jobs/NODES/${job.id}`, { description: 'changed on node 2', playbook: TRIVIAL_PLAYBOOK })).status).toBe(200);
    expect(await list()).toEqual(['changed on node 2']);
    expect((await viaSecond.delete(`/v2/automation/jobs/NODES/${job.id}`)).status).toBe(204);
    expect(await list()).toEqual([]);
  });

  it('SIGTERM to an api node: /readyz says draining while requests are still served, then it stops and its sockets are closed', async () => {
    const client = new ApiClient(second.url);
    await client.login('admin', ADMIN_PASSWORD);
    const socket = await socketOn(second.url, client.token!);
    const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));
    expect((await client.get('/readyz')).status).toBe(200);

    const exited = second.process.stop('SIGTERM');
    await second.process.waitFor(/"msg":"draining"/);
    const ready = await client.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'draining' });
    // Still serving while the load balancer takes the node out.
    expect((await client.get('/v2/automation/jobs/DEMO')).status).toBe(200);

    expect(await exited).toBe(0);
    // The server went away (not "io server disconnect", which would tell clients not to reconnect).
    expect(await disconnected).toBe('transport close');
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
    // Node 1 is unaffected.
    expect((await stack.admin.get('/readyz')).status).toBe(200);
  });
});
