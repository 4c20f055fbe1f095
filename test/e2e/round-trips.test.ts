import { randomUUID } from 'node:crypto';
import { ApiClient, b64 } from '../support/http';
import { generateKeyPair, startSshd, TestSshd } from '../support/sshd';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { Receiver, until } from '../support/webhook-servers';

/**
 * Clean round trips (README "Round trips"): what GET returned, with one field changed, goes back
 * with PUT (or, for servers, PATCH) and is accepted; the read-only fields in it are ignored, an
 * identity that names another resource and a field nobody knows are still 400s. Then the Runner's
 * documented spellings and behaviours beside ours.
 */

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PING = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ping\n      ansible.builtin.ping:\n');
const SLEEP = (seconds: string) => b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep ${seconds}\n`);

/** A 400 that names `field` in its errors and its message. */
function expectRefused(reply: { status: number; body: any }, field: string): void {
  expect({ status: reply.status, fields: reply.body.errors?.map((e: any) => e.field) }).toEqual({ status: 400, fields: expect.arrayContaining([field]) });
  expect(reply.body.message).toContain(field);
}

describe('round trips and the Runner\'s documented spellings', () => {
  let stack: Stack;
  let client: ApiClient;
  const receiver = new Receiver();
  let sshd: TestSshd;

  beforeAll(async () => {
    await receiver.start();
    sshd = await startSshd();
    stack = await startStack({ RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' }, { RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' });
    client = stack.admin;
  });
  afterAll(async () => {
    await stack?.stop();
    await sshd?.stop();
    await receiver.stop();
  });

  describe('GET → change one field → PUT/PATCH', () => {
    it('jobs: read-only fields ignored, secrets kept, another id or an unknown field refused', async () => {
      const created = await client.post('/v2/automation/jobs/DEMO', {
        description: 'before',
        repository: { url: 'https://git.example.com/ops/site.git', defaultPlaybook: 'site.yml', credentials: { username: 'deploy', password: 'git-password' } },
        hosts: [{ id: 'web-1', hostVars: { ansible_user: 'deploy', ansible_password: 'ssh-password-1' } }],
        secretProperties: { api_token: 'token-value-1' },
        callbacks: [{ url: receiver.url('/job'), level: 'RESULT' }],
        notify: { chat: { url: receiver.url('/chat/secret-part'), on: 'always' } },
      });
      expect(created.status).toBe(201);
      const path = `/v2/automation/jobs/DEMO/${created.body.id}`;
      const got = (await client.get(path)).body;
      expect(got.repository.hasCredentials).toBe(true);

      const replaced = await client.put(path, { ...got, description: 'after' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({
        id: got.id,
        description: 'after',
        createdTime: got.createdTime,
        repository: { url: got.repository.url, hasCredentials: true },
        hosts: [{ id: 'web-1', hostVars: { ansible_user: 'deploy', ansible_password: '$encrypted$' } }],
        secretProperties: { api_token: '$encrypted$' },
        callbacks: [{ url: receiver.url('/job'), level: 'RESULT' }],
        notify: { chat: { url: '$encrypted$', on: 'always', origin: `http://127.0.0.1:${receiver.port}` } },
      });
      expect((await client.get(path)).body.description).toBe('after');

      expectRefused(await client.put(path, { ...got, id: randomUUID() }), 'id');
      expectRefused(await client.put(path, { ...got, descripton: 'typo' }), 'descripton');
      expectRefused(await client.put(path, { ...got, repository: { ...got.repository, hasCredential: true } }), 'repository.hasCredential');
      expectRefused(await client.put(path, { ...got, notify: { ...got.notify, chat: { ...got.notify.chat, origns: 'x' } } }), 'notify.chat.origns');
      expect((await client.get(path)).body.description).toBe('after');
    });

    it('servers: PATCH with every member GET returned, one of them changed', async () => {
      const created = await client.post('/v2/servers/DEMO', { name: 'web-1', ipAddress: '10.0.0.5', username: 'deploy', password: 'bootstrap-pw', group: 'Web' });
      expect(created.status).toBe(201);
      const got = (await client.get('/v2/servers/DEMO/web-1')).body;
      const operations = (changes: Record<string, unknown>) => Object.entries({ ...got, ...changes }).map(([member, value]) => ({ op: 'set', member, value }));

      const patched = await client.request('PATCH', '/v2/servers/DEMO/web-1', operations({ group: 'App' }));
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'web-1', group: 'App', ipAddress: '10.0.0.5', username: 'deploy', hasPassword: true, createdTime: got.createdTime });
      expect((await client.get('/v2/servers/DEMO/web-1')).body.group).toBe('App');

      const renamed = await client.request('PATCH', '/v2/servers/DEMO/web-1', operations({ name: 'web-2' }));
      expectRefused(renamed, 'name');
      const unknown = await client.request('PATCH', '/v2/servers/DEMO/web-1', [{ op: 'set', member: 'colour', value: 'red' }]);
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toContain('colour');
      expect((await client.get('/v2/servers/DEMO/web-2')).status).toBe(404);
    });

    it('schedules: the whole GET body back, scheduleId included; another id or an unknown field refused', async () => {
      await client.post('/v2/users/DEMO', { username: 'planner', password: 'planner-password', roles: ['ServerOperator'] });
      expect((await client.post('/v2/automation/serviceAccounts/DEMO', { alias: 'planner', username: 'planner', password: 'planner-password' })).status).toBe(201);
      const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: PING, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
      const created = await client.post(`/v2/automation/jobs/DEMO/${job.id}/schedules`, {
        description: 'nightly',
        serviceAccountAlias: 'planner',
        trigger: { type: 'cron', expression: '30 2 * * *' },
      });
      expect(created.status).toBe(201);
      expect(created.body.scheduleId).toBe(created.body.id);
      const path = `/v2/automation/jobs/DEMO/${job.id}/schedules/${created.body.id}`;
      const got = (await client.get(path)).body;
      expect(got.scheduleId).toBe(got.id);

      const replaced = await client.put(path, { ...got, trigger: { type: 'cron', expression: '45 3 * * *' } });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: got.id, scheduleId: got.id, description: 'nightly', trigger: { type: 'cron', expression: '45 3 * * *' } });
      expect((await client.get(path)).body.trigger.expression).toBe('45 3 * * *');

      expectRefused(await client.put(path, { ...got, scheduleId: randomUUID() }), 'scheduleId');
      expectRefused(await client.put(path, { ...got, id: randomUUID() }), 'id');
      expectRefused(await client.put(path, { ...got, jobId: randomUUID() }), 'jobId');
      expectRefused(await client.put(path, { ...got, nextRun: 0 }), 'nextRun');
    });

    it('service accounts: the GET body back without the password, which is kept', async () => {
      await client.post('/v2/users/DEMO', { username: 'nightly-1', password: 'nightly-password', roles: ['ServerOperator'] });
      await client.post('/v2/users/DEMO', { username: 'nightly-2', password: 'nightly-password', roles: ['ServerOperator'] });
      expect((await client.post('/v2/automation/serviceAccounts/DEMO', { alias: 'nightly', username: 'nightly-1', password: 'nightly-password' })).status).toBe(201);
      const sealed = async () => (await stack.db.query(`SELECT sealed_password FROM service_accounts WHERE alias = 'nightly'`))[0].sealed_password;
      const before = await sealed();
      const path = '/v2/automation/serviceAccounts/DEMO/nightly';
      const got = (await client.get(path)).body;

      const replaced = await client.put(path, { ...got, username: 'nightly-2' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ alias: 'nightly', username: 'nightly-2', createdTime: got.createdTime });
      expect((await client.get(path)).body.username).toBe('nightly-2');
      expect(await sealed()).toBe(before);

      expectRefused(await client.put(path, { ...got, alias: 'other' }), 'alias');
      expectRefused(await client.put(path, { ...got, userName: 'nightly-1' }), 'userName');
    });

    it('VPN connections: the GET body back with its status and times', async () => {
      expect((await client.post('/v2/automation/keypairs/DEMO/gateway-key', {})).status).toBe(201);
      const created = await client.post('/v2/automation/vpn/DEMO', {
        name: 'east',
        networks: ['10.200.0.0/24'],
        gateway: { host: '192.0.2.10', username: 'root', keyPairAlias: 'gateway-key' },
      });
      expect(created.status).toBe(201);
      const path = `/v2/automation/vpn/DEMO/${created.body.id}`;
      const got = (await client.get(path)).body;

      const replaced = await client.put(path, { ...got, networks: ['10.200.0.0/24', '10.201.0.0/24'] });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: got.id, name: 'east', networks: ['10.200.0.0/24', '10.201.0.0/24'], gateway: got.gateway });

      expectRefused(await client.put(path, { ...got, id: randomUUID() }), 'id');
      expectRefused(await client.put(path, { ...got, gateway: { ...got.gateway, hostname: 'x' } }), 'gateway.hostname');
    });
  });

  it('documents the read-only fields and the Runner\'s spellings in the OpenAPI document', async () => {
    const { schemas } = (await client.as().get('/v2/openapi.json')).body.components;
    for (const [schema, field] of [['JobRequest', 'createdTime'], ['JobRequest', 'links'], ['JobRepository', 'hasCredentials'], ['NotifyChatDto', 'origin'], ['ScheduleRequest', 'nextRunTime'], ['ServerRequest', 'hasPassword'], ['VpnConnectionRequest', 'status']]) {
      expect({ schema, field, readOnly: schemas[schema].properties[field]?.readOnly }).toEqual({ schema, field, readOnly: true });
    }
    expect(schemas.JobRequest.properties.id.description).toContain('path');
    expect(schemas.JobRepository.properties.ref.description).toContain('branch');
    expect(schemas.ScheduleRequest.properties.type.description).toContain('trigger');
  });

  describe('the Runner\'s spellings', () => {
    it('takes repository.ref for branch and callbacks as URL strings (level DEBUG)', async () => {
      const created = await client.post('/v2/automation/jobs/DEMO', {
        repository: { url: 'https://git.example.com/ops/site.git', ref: 'v1.0.0', defaultPlaybook: 'site.yml' },
        hosts: [{ id: 'localhost' }],
        callbacks: [receiver.url('/plain'), { url: receiver.url('/results'), level: 'RESULT' }],
      });
      expect(created.status).toBe(201);
      expect(created.body.repository.branch).toBe('v1.0.0');
      expect(created.body.callbacks).toEqual([
        { url: receiver.url('/plain'), level: 'DEBUG' },
        { url: receiver.url('/results'), level: 'RESULT' },
      ]);
      const both = await client.post('/v2/automation/jobs/DEMO', {
        repository: { url: 'https://git.example.com/ops/site.git', ref: 'v1.0.0', branch: 'main', defaultPlaybook: 'site.yml' },
      });
      expectRefused(both, 'repository.ref');
      expectRefused(await client.post('/v2/automation/jobs/DEMO', { playbook: PING, callbacks: ['not a url'] }), 'callbacks.0.url');
    });

    it('takes the schedule trigger under type', async () => {
      const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: PING, hosts: [{ id: 'localhost', hostVars: LOCAL }] })).body;
      await client.post('/v2/users/DEMO', { username: 'runner-sa', password: 'runner-sa-password', roles: ['ServerOperator'] });
      await client.post('/v2/automation/serviceAccounts/DEMO', { alias: 'runner-sa', username: 'runner-sa', password: 'runner-sa-password' });
      const created = await client.post(`/v2/automation/jobs/DEMO/${job.id}/schedules`, {
        description: 'Job Schedule demo.',
        type: { type: 'cron', expression: '* 1 * * *' },
        serviceAccountAlias: 'runner-sa',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ trigger: { type: 'cron', expression: '* 1 * * *' }, scheduleId: created.body.id });
      const both = await client.post(`/v2/automation/jobs/DEMO/${job.id}/schedules`, {
        type: { type: 'cron', expression: '* 1 * * *' },
        trigger: { type: 'cron', expression: '* 2 * * *' },
        serviceAccountAlias: 'runner-sa',
      });
      expectRefused(both, 'type');
    });

    it('shows on each status record the webhook deliveries made for it', async () => {
      const { job, execution, path } = await createAndStart(client, 'DEMO', {
        playbook: PING,
        hosts: [{ id: 'localhost', hostVars: LOCAL }],
        callbacks: [receiver.url('/every'), { url: receiver.url('/result'), level: 'RESULT' }],
      });
      expect((await waitForStatus(client, path)).status).toBe('SUCCESS');
      const stored = await allRecords(client, 'DEMO', job.id, execution.execution_id);
      await until(() => receiver.records('/every').length === stored.length && receiver.records('/result').length === 1, 60_000, 'deliveries');
      let records: any[] = [];
      await until(async () => {
        records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
        return records.every((r) => r.notifications?.every((n: any) => n.state === 'delivered'));
      }, 60_000, 'every delivery recorded as delivered');
      for (const record of records) {
        const expected = [{ url: receiver.url('/every'), level: 'DEBUG', state: 'delivered' }];
        if (record.event_type === 'playbook_result') expected.push({ url: receiver.url('/result'), level: 'RESULT', state: 'delivered' });
        expect({ counter: record.counter, notifications: record.notifications }).toEqual({ counter: record.counter, notifications: expected });
      }
      // The job-wide list carries them too.
      const forJob = (await client.get(`/v2/automation/status/DEMO/job/${job.id}`)).body.results;
      expect(forJob.find((r: any) => r.event_type === 'playbook_result').notifications).toHaveLength(2);
    });
  });

  describe('executions as the Runner answered', () => {
    it('accepts stop on a STOPPING run and kill on a KILLING run again', async () => {
      const { path } = await createAndStart(client, 'DEMO', { playbook: SLEEP('311.5'), hosts: [{ id: 'localhost', hostVars: LOCAL }] });
      await waitForStatus(client, path, ['RUNNING']);
      // The worker is paused, so it cannot move the run on: the second request sees the state the first left.
      process.kill(stack.worker.child.pid!, 'SIGSTOP');
      try {
        const stop = await client.post(`${path}/stop`, { expiryDuration: 60 });
        expect({ status: stop.status, execution: stop.body.status }).toEqual({ status: 202, execution: 'STOPPING' });
        const again = await client.post(`${path}/stop`, { expiryDuration: 60 });
        expect({ status: again.status, execution: again.body.status }).toEqual({ status: 202, execution: 'STOPPING' });
        const kill = await client.post(`${path}/kill`);
        expect({ status: kill.status, execution: kill.body.status }).toEqual({ status: 202, execution: 'KILLING' });
        const killAgain = await client.post(`${path}/kill`);
        expect({ status: killAgain.status, execution: killAgain.body.status }).toEqual({ status: 202, execution: 'KILLING' });
      } finally {
        process.kill(stack.worker.child.pid!, 'SIGCONT');
      }
      expect((await waitForStatus(client, path)).status).toBe('KILLED');
      expect((await client.post(`${path}/kill`)).status).toBe(409);
    });

    it('restart reads hosts and sshPrivateKey like start', async () => {
      const key = generateKeyPair();
      sshd.authorizeKey(key.publicKey);
      const target = { ansible_host: '127.0.0.1', ansible_port: sshd.port, ansible_user: sshd.user, ansible_python_interpreter: '/usr/bin/python3' };
      // No key at first: "remote" is unreachable, "local" succeeds, so the run fails on remote only.
      const { job, execution, path } = await createAndStart(client, 'DEMO', {
        playbook: PING,
        hosts: [
          { id: 'remote', hostVars: target },
          { id: 'local', hostVars: LOCAL },
        ],
      });
      const failed = await waitForStatus(client, path);
      expect({ status: failed.status, failed_hosts: failed.failed_hosts }).toEqual({ status: 'FAILURE', failed_hosts: ['remote'] });

      expectRefused(await client.post(`${path}/restart`, { hosts: [{ id: 'local' }] }), 'hosts.0.id');
      expectRefused(await client.post(`${path}/restart`, { properties: { x: 1 } }), 'properties');
      const restarted = await client.post(`${path}/restart`, { hosts: [{ id: 'remote' }], sshPrivateKey: b64(key.privateKey) });
      expect({ status: restarted.status, execution: restarted.body.status }).toEqual({ status: 202, execution: 'PENDING' });
      const done = await waitForStatus(client, path);
      expect({ status: done.status, failed_hosts: done.failed_hosts, timers: done.timers.length }).toEqual({ status: 'SUCCESS', failed_hosts: [], timers: 2 });
      const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
      const secondRun = records.slice(records.findIndex((r) => r.event_type === 'playbook_result') + 1);
      expect(secondRun.filter((r) => r.event_type === 'runner_on_ok').map((r) => r.host)).toEqual(['remote']);
      const keyBody = key.privateKey.split('\n')[1];
      expect(JSON.stringify(records) + JSON.stringify(done) + JSON.stringify(await stack.db.query('SELECT * FROM executions'))).not.toContain(keyBody);
    });
  });
});
