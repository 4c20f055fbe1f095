import { createHmac } from 'node:crypto';
import { ApiClient, b64 } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { asSent, Receiver, until } from '../support/webhook-servers';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

describe('webhooks (job callbacks)', () => {
  let stack: Stack;
  let client: ApiClient;
  const receiver = new Receiver();
  const failing = b64(
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: fine\n      ansible.builtin.debug: msg=ok\n    - name: broken\n      ansible.builtin.fail: { msg: on purpose }\n',
  );

  beforeAll(async () => {
    await receiver.start();
    stack = await startStack({ RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' }, { RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' });
    client = stack.admin;
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('sends each level its records, signed with the account secret', async () => {
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      playbook: failing,
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      callbacks: [
        { url: receiver.url('/debug') },
        { url: receiver.url('/error'), level: 'ERROR' },
        { url: receiver.url('/result'), level: 'RESULT' },
      ],
    });
    expect((await waitForStatus(client, path)).status).toBe('FAILURE');
    const stored = asSent(await allRecords(client, 'DEMO', job.id, execution.execution_id));
    await until(() => receiver.records('/debug').length === stored.length && receiver.records('/result').length === 1);
    expect(receiver.records('/debug')).toEqual(stored);
    const expectedErrors = stored.filter((r) => r.failed || r.event_type === 'playbook_result');
    await until(() => receiver.records('/error').length === expectedErrors.length);
    expect(receiver.records('/error')).toEqual(expectedErrors);
    expect(receiver.records('/error').some((r) => r.event_type === 'runner_on_failed')).toBe(true);
    expect(receiver.records('/result').map((r) => r.event_type)).toEqual(['playbook_result']);

    const { secret } = (await client.get('/v2/automation/webhooks/DEMO/secret')).body;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    for (const delivery of receiver.accepted.get('/debug')!) {
      expect(delivery.signature).toBe(`sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`);
    }
    const rotated = (await client.post('/v2/automation/webhooks/DEMO/secret')).body.secret;
    expect(rotated).not.toBe(secret);
    expect((await client.get('/v2/automation/webhooks/DEMO/secret')).body.secret).toBe(rotated);
  });

  it('retries a receiver that answers 500 twice, delivering every record once and in order', async () => {
    receiver.failWhile = (path, seen) => path === '/flaky' && seen < 2;
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      playbook: failing,
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      callbacks: [{ url: receiver.url('/flaky') }],
    });
    await waitForStatus(client, path);
    const stored = asSent(await allRecords(client, 'DEMO', job.id, execution.execution_id));
    await until(() => receiver.records('/flaky').length >= stored.length);
    expect(receiver.refusals.get('/flaky')).toBe(2);
    expect(receiver.records('/flaky')).toEqual(stored);
  });

  it('keeps deliveries across a worker restart', async () => {
    let open = false;
    receiver.failWhile = (path) => path === '/later' && !open;
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      playbook: failing,
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      callbacks: [{ url: receiver.url('/later'), level: 'RESULT' }],
    });
    await waitForStatus(client, path);
    await until(() => (receiver.refusals.get('/later') ?? 0) >= 1);
    await stack.restartWorker();
    open = true;
    await until(() => receiver.records('/later').length === 1);
    const stored = asSent(await allRecords(client, 'DEMO', job.id, execution.execution_id));
    expect(receiver.records('/later')).toEqual([stored[stored.length - 1]]);
  });

  it('lets only account admins read the secret', async () => {
    expect((await client.post('/v2/users/DEMO', { username: 'ops', password: 'ops-password', roles: ['ServerAdmin'] })).status).toBe(201);
    const ops = new ApiClient(stack.api.url);
    await ops.login('ops', 'ops-password');
    expect((await ops.get('/v2/automation/webhooks/DEMO/secret')).status).toBe(403);
  });
});
