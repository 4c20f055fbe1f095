import { ApiClient, b64 } from '../support/http';
import { ended, RecordClient } from '../support/socket';
import { allRecords, Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

describe('real-time status over socket.io', () => {
  let stack: Stack;
  let client: ApiClient;
  const sockets: RecordClient[] = [];

  const socket = async (token = client.token!): Promise<RecordClient> => {
    const s = new RecordClient(stack.api.url, token);
    sockets.push(s);
    await s.connect();
    return s;
  };

  beforeAll(async () => {
    stack = await startStack();
    client = stack.admin;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  });

  async function job(playbook: string): Promise<any> {
    return (await client.post('/v2/automation/jobs/DEMO', { playbook: b64(playbook), hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
  }

  it('refuses a bad token at the handshake', async () => {
    const bad = new RecordClient(stack.api.url, 'rnr_not-a-token');
    sockets.push(bad);
    await expect(bad.connect()).rejects.toThrow(/unauthorized/);
  });

  it('delivers every record of a run to a subscriber of the job, in order, identical to the status API', async () => {
    const j = await job('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: msg=one\n    - ansible.builtin.debug: msg=two\n');
    const s = await socket();
    expect(await s.subscribe({ accountAlias: 'DEMO', jobId: j.id })).toEqual({ ok: true });
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${j.id}/start`)).body;
    await s.waitFor(ended);
    const stored = await allRecords(client, 'DEMO', j.id, execution.execution_id);
    expect(s.records).toEqual(stored);
    expect(s.records.map((r) => r.counter)).toEqual(stored.map((_, i) => i + 1));
    expect(s.records[s.records.length - 1].event_type).toBe('playbook_result');
  });

  it('gives a client that resumes with afterCounter after forced disconnects exactly the full sequence', async () => {
    const j = await job(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - { name: first, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 100) | list }}" }',
        '    - { name: pause, ansible.builtin.command: sleep 1.5 }',
        '    - { name: second, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 100) | list }}" }',
        '    - { name: pause again, ansible.builtin.command: sleep 1.5 }',
        '',
      ].join('\n'),
    );
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${j.id}/start`)).body;
    const subscription = { accountAlias: 'DEMO', jobId: j.id, executionId: execution.execution_id };
    const seen: any[] = [];
    let disconnects = 0;
    while (!ended(seen)) {
      const s = await socket();
      expect(await s.subscribe({ ...subscription, afterCounter: seen.length ? seen[seen.length - 1].counter : 0 })).toEqual({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300));
      s.close();
      disconnects++;
      seen.push(...s.records);
    }
    expect(disconnects).toBeGreaterThanOrEqual(3);
    const stored = await allRecords(client, 'DEMO', j.id, execution.execution_id);
    expect(stored.length).toBeGreaterThanOrEqual(200);
    expect(seen.map((r) => r.counter)).toEqual(stored.map((r) => r.counter));
    expect(seen).toEqual(stored);
  });

  it('gives 50 subscribers of one execution identical sequences', async () => {
    const j = await job('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 1\n    - ansible.builtin.debug: msg=done\n');
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${j.id}/start`)).body;
    const clients = await Promise.all(Array.from({ length: 50 }, () => socket()));
    await Promise.all(clients.map(async (c) => expect(await c.subscribe({ accountAlias: 'DEMO', executionId: execution.execution_id })).toEqual({ ok: true })));
    await Promise.all(clients.map((c) => c.waitFor(ended)));
    const stored = await allRecords(client, 'DEMO', j.id, execution.execution_id);
    for (const c of clients) expect(c.records).toEqual(stored);
  });

  it('answers ok:false for an alias the user may not see, and sends nothing from it', async () => {
    expect((await client.post('/v2/accounts/DEMO', { alias: 'OTHER', name: 'other' })).status).toBe(201);
    expect((await client.post('/v2/users/OTHER', { username: 'other-user', password: 'other-password', roles: ['AccountAdmin'] })).status).toBe(201);
    const other = new ApiClient(stack.api.url);
    await other.login('other-user', 'other-password');
    const s = await socket(other.token!);
    const denied = await s.subscribe({ accountAlias: 'DEMO' });
    expect(denied.ok).toBe(false);
    expect(denied.message).toMatch(/forbidden/);
    expect((await s.subscribe({ accountAlias: 'NOSUCH' })).ok).toBe(false);
    expect((await s.subscribe({ accountAlias: 'OTHER', afterCounter: -1 })).ok).toBe(false);
    const j = await job('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: msg=secret-stuff\n');
    const execution = (await client.post(`/v2/automation/jobs/DEMO/${j.id}/start`)).body;
    expect((await s.subscribe({ accountAlias: 'OTHER', executionId: execution.execution_id })).ok).toBe(false);
    await waitForStatus(client, `/v2/automation/jobs/DEMO/${j.id}/executions/${execution.execution_id}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.records).toEqual([]);
  });

  it('answers malformed messages ok:false through the gateway, and the socket still works after them', async () => {
    const s = await socket();
    const ack = (...args: unknown[]): Promise<{ ok: boolean; message?: string }> => s.socket.timeout(10_000).emitWithAck('subscribe', ...args);
    for (const body of [null, 'DEMO', 42, ['DEMO'], { accountAlias: ['DEMO'] }, { accountAlias: 'DEMO', jobId: { $ne: null } }, { accountAlias: 'DEMO', afterCounter: '1e9' }]) {
      const answer = await ack(body);
      expect(answer.ok).toBe(false);
      expect(answer.message).toEqual(expect.any(String));
    }
    expect((await ack('DEMO', 'extra', 'arguments')).ok).toBe(false);
    expect((await ack()).ok).toBe(false);
    s.socket.emit('subscribe', { accountAlias: 'DEMO' }); // no ack: nothing to answer, nothing breaks
    s.socket.emit('no-such-event', { accountAlias: 'DEMO' });
    expect(await s.socket.timeout(10_000).emitWithAck('unsubscribe', null)).toEqual({ ok: true });
    // The same connection, and the api, still serve a proper subscription.
    expect(s.socket.connected).toBe(true);
    expect(await s.subscribe({ accountAlias: 'DEMO' })).toEqual({ ok: true });
    expect((await client.get('/v2/automation/jobs/DEMO')).status).toBe(200);
  });

  it('streams an alias subscription for dashboards, including sub-accounts', async () => {
    const s = await socket();
    expect(await s.subscribe({ accountAlias: 'DEMO' })).toEqual({ ok: true });
    const sub = (await client.post('/v2/automation/jobs/OTHER', { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks: []\n'), hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
    const execution = (await client.post(`/v2/automation/jobs/OTHER/${sub.id}/start`)).body;
    await s.waitFor(ended);
    expect(s.records.every((r) => r.execution_id === execution.execution_id && r.account_alias === 'OTHER')).toBe(true);
    expect(s.records.map((r) => r.counter)).toEqual(s.records.map((_, i) => i + 1));
  });
});
