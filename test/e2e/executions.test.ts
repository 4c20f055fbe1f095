import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, b64 } from '../support/http';
import { allRecords, createAndStart, processCommandLines, Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

describe('executions on a real worker with real ansible-playbook', () => {
  let stack: Stack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await startStack();
    client = stack.admin;
  });
  afterAll(async () => stack?.stop());

  it('runs an inline playbook to SUCCESS with gapless records and a transcript', async () => {
    const playbook = b64(
      [
        '- name: two tasks',
        '  hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: say hello',
        '      ansible.builtin.debug:',
        '        msg: hello',
        '    - name: run a command',
        '      ansible.builtin.command: echo from-command',
        '',
      ].join('\n'),
    );
    const { job, execution, path } = await createAndStart(client, 'DEMO', { playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    expect(execution.status).toBe('PENDING');
    expect(execution.links.map((l: any) => l.rel)).toEqual(expect.arrayContaining(['self', 'status', 'stdout']));
    const done = await waitForStatus(client, path);
    expect(done).toMatchObject({ status: 'SUCCESS', exit_code: 0, failed_hosts: [], reason: null });
    expect(done.host_summaries.localhost).toMatchObject({ ok: 2, changed: 1, failures: 0, unreachable: 0 });
    expect(done.timers).toHaveLength(1);
    expect(done.timers[0].end).toBeGreaterThanOrEqual(done.timers[0].start);

    const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
    expect(records.map((r) => r.counter)).toEqual(records.map((_, i) => i + 1));
    const types = records.map((r) => r.event_type);
    for (const type of ['playbook_on_start', 'playbook_on_play_start', 'playbook_on_task_start', 'runner_on_start', 'playbook_on_stats']) {
      expect(types).toContain(type);
    }
    const oks = records.filter((r) => r.event_type === 'runner_on_ok');
    expect(oks.map((r) => r.task)).toEqual(['say hello', 'run a command']);
    expect(oks[1].event_data.stdout ?? oks[1].stdout).toContain('from-command');
    expect(records[records.length - 1]).toMatchObject({ event_type: 'playbook_result', failed: false, message: 'SUCCESS' });
    expect(records.filter((r) => r.event_type === 'execution_status').map((r) => r.event_data.status)).toEqual([
      'PENDING',
      'INITIALIZING',
      'RUNNING',
      'SUCCESS',
    ]);
    for (const r of records) expect(r).toMatchObject({ job_id: job.id, execution_id: execution.execution_id, account_alias: 'DEMO' });

    const after = await client.get(`/v2/automation/status/DEMO/job/${job.id}/execution/${execution.execution_id}?afterCounter=3`);
    expect(after.body.results[0].counter).toBe(4);

    const stdout = await client.get(`${path}/stdout`);
    expect(stdout.status).toBe(200);
    expect(stdout.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(stdout.body).toContain('PLAY RECAP');
    expect(stdout.body).toMatch(/localhost\s+: ok=2\s+changed=1/);
    const firstTwo = await client.get(`${path}/stdout?start_line=1&end_line=2`);
    expect(firstTwo.body.trimEnd().split('\n')).toHaveLength(2);
  });

  it('passes extra vars literally: not shell-interpreted, not templated', async () => {
    const values = { shell: '$(touch /tmp/runner-pwned) `id`', quotes: `it's "quoted"`, lines: 'one\ntwo', template: '{{ 6 * 7 }}' };
    const playbook = b64(
      ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: show', '      ansible.builtin.debug:', '        msg: "{{ [shell, quotes, lines, template] }}"', ''].join('\n'),
    );
    const { job, execution, path } = await createAndStart(
      client,
      'DEMO',
      { playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }], properties: { shell: 'overridden', quotes: values.quotes } },
      { properties: { shell: values.shell, lines: values.lines, template: values.template } },
    );
    expect((await waitForStatus(client, path)).status).toBe('SUCCESS');
    const ok = (await allRecords(client, 'DEMO', job.id, execution.execution_id)).find((r) => r.event_type === 'runner_on_ok');
    expect(ok.event_data.msg).toEqual([values.shell, values.quotes, values.lines, values.template]);
    expect(require('node:fs').existsSync('/tmp/runner-pwned')).toBe(false);
  });

  it('fails on one of two hosts, names it, and a restart runs only that host to SUCCESS', async () => {
    // The marker is a URL the test turns on (a run's sandbox shares the network, not the host's files).
    let markerSet = false;
    const markerServer = http.createServer((_, res) => res.writeHead(markerSet ? 200 : 404).end());
    await new Promise<void>((resolve) => markerServer.listen(0, '127.0.0.1', resolve));
    const marker = `http://127.0.0.1:${(markerServer.address() as AddressInfo).port}/marker`;
    const playbook = b64(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: check marker',
        '      ansible.builtin.uri:',
        '        url: "{{ marker }}"',
        '        status_code: [200, 404]',
        '      register: m',
        '    - name: need the marker on web-2',
        '      ansible.builtin.fail:',
        '        msg: marker missing',
        '      when: inventory_hostname == "web-2" and m.status != 200',
        '',
      ].join('\n'),
    );
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      playbook,
      hosts: [{ id: 'web-1', hostVars: LOCAL }, { id: 'web-2', hostVars: LOCAL }],
      properties: { marker },
    });
    const failed = await waitForStatus(client, path);
    expect(failed).toMatchObject({ status: 'FAILURE', failed_hosts: ['web-2'], exit_code: 2 });
    expect(failed.reason).toMatch(/web-2 failed at task 'need the marker on web-2': marker missing/);
    expect(failed.host_summaries['web-1']).toMatchObject({ ok: 1, failures: 0, skipped: 1 });
    expect(failed.host_summaries['web-2']).toMatchObject({ ok: 1, failures: 1 });
    const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
    expect(records[records.length - 1]).toMatchObject({ event_type: 'playbook_result', failed: true });
    expect(records[records.length - 1].message).toMatch(/web-2/);
    const firstRunCount = records.length;

    // Restart is refused unless the run failed.
    const other = await createAndStart(client, 'DEMO', { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks: []\n'), hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    await waitForStatus(client, other.path);
    expect((await client.post(`${other.path}/restart`)).status).toBe(409);

    markerSet = true;
    try {
      const restarted = await client.post(`${path}/restart`);
      expect(restarted.status).toBe(202);
      expect(restarted.body).toMatchObject({ execution_id: execution.execution_id, status: 'PENDING' });
      const done = await waitForStatus(client, path);
      expect(done).toMatchObject({ status: 'SUCCESS', failed_hosts: [], execution_id: execution.execution_id });
      expect(done.timers).toHaveLength(2);
      const all = await allRecords(client, 'DEMO', job.id, execution.execution_id);
      expect(all.map((r) => r.counter)).toEqual(all.map((_, i) => i + 1));
      const hostsAfterRestart = new Set(all.slice(firstRunCount).filter((r) => r.host).map((r) => r.host));
      expect([...hostsAfterRestart]).toEqual(['web-2']);
    } finally {
      markerServer.close();
    }
  });

  it('narrows, never widens: start-time hosts within the job\'s own limit', async () => {
    const { job, execution, path } = await createAndStart(
      client,
      'DEMO',
      { playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n'), hosts: ['web-1', 'web-2', 'web-3'].map((id) => ({ id, hostVars: LOCAL })), limit: '!web-1' },
      { hosts: [{ id: 'web-1' }, { id: 'web-2' }] },
    );
    expect((await waitForStatus(client, path)).status).toBe('SUCCESS');
    const hosts = new Set((await allRecords(client, 'DEMO', job.id, execution.execution_id)).filter((r) => r.event_type === 'runner_on_ok').map((r) => r.host));
    expect([...hosts]).toEqual(['web-2']);
  });

  it('stops a long task gracefully and kills another, leaving no process behind', async () => {
    const longJob = (seconds: string) => ({
      playbook: b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long\n      ansible.builtin.command: sleep ${seconds}\n    - name: never\n      ansible.builtin.debug: msg=never\n`),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    for (const [action, seconds, final] of [['stop', '301.25', 'STOPPED'], ['kill', '302.25', 'KILLED']] as const) {
      const { job, execution, path } = await createAndStart(client, 'DEMO', longJob(seconds));
      await waitForStatus(client, path, ['RUNNING']);
      await waitUntil(() => processCommandLines().some((c) => c.includes(`sleep ${seconds}`)));
      const reply = await client.post(`${path}/${action}`, action === 'stop' ? { expiryDuration: 20 } : undefined);
      expect(reply.status).toBe(202);
      expect(reply.body.status).toBe(action === 'stop' ? 'STOPPING' : 'KILLING');
      const done = await waitForStatus(client, path);
      expect(done.status).toBe(final);
      await waitUntil(() => !processCommandLines().some((c) => c.includes(`sleep ${seconds}`) || c.includes(execution.execution_id.slice(0, 8))));
      const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
      expect(records.some((r) => r.task === 'never' && r.event_type === 'runner_on_ok')).toBe(false);
      expect((await client.post(`${path}/${action}`)).status).toBe(409);
    }
  });

  it('stops a run that has not started at once, and refuses unknown hosts at start', async () => {
    const job = (await client.post('/v2/automation/jobs/DEMO', { playbook: b64('- hosts: all\n  tasks: []\n'), hosts: [{ id: 'a' }] })).body;
    const bad = await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`, { hosts: [{ id: 'not-a-host' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('hosts.0.id');
    expect((await client.post(`/v2/automation/jobs/DEMO/${job.id}/start`, { sshPrivateKey: b64('nope') })).status).toBe(400);
    expect((await client.get(`/v2/automation/jobs/DEMO/${job.id}/executions`)).body.totalSize).toBe(0);
  });

  it('starts with ?immediate=true and refuses to delete a job with an active run unless forced', async () => {
    const created = await client.post('/v2/automation/jobs/DEMO?immediate=true', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 303.25\n'),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    expect(created.status).toBe(201);
    const link = created.body.links.find((l: any) => l.rel === 'execution');
    expect(link).toBeDefined();
    await waitForStatus(client, link.href, ['RUNNING']);
    const refused = await client.delete(`/v2/automation/jobs/DEMO/${created.body.id}`);
    expect(refused.status).toBe(409);
    expect((await client.delete(`/v2/automation/jobs/DEMO/${created.body.id}?force=true`)).status).toBe(204);
    expect((await client.get(link.href)).status).toBe(404);
    await waitUntil(() => !processCommandLines().some((c) => c.includes('sleep 303.25')));
  });

  it('lists executions per job and per account, with a status filter', async () => {
    const all = await client.get('/v2/automation/jobs/DEMO/executions');
    expect(all.status).toBe(200);
    expect(all.body.totalSize).toBeGreaterThanOrEqual(5);
    const successes = await client.get('/v2/automation/jobs/DEMO/executions?status=SUCCESS');
    expect(successes.body.results.every((e: any) => e.status === 'SUCCESS')).toBe(true);
    expect((await client.get('/v2/automation/jobs/DEMO/executions?status=DONE')).status).toBe(400);
  });

  it('explains a playbook Ansible itself refuses with its own error', async () => {
    const { path } = await createAndStart(client, 'DEMO', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.fail: msg=two words\n'),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    const done = await waitForStatus(client, path);
    expect(done).toMatchObject({ status: 'FAILURE', exit_code: 4 });
    expect(done.reason).toMatch(/^ERROR! this task 'ansible.builtin.fail' has extra params/);
  });

  it('reports executions on /metrics', async () => {
    const text: string = (await client.as().get('/metrics')).body;
    const successes = Number(/runner_executions\{status="SUCCESS"\} (\d+)/.exec(text)?.[1]);
    expect(successes).toBeGreaterThanOrEqual(3);
    expect(Number(/runner_status_records_stored (\d+)/.exec(text)?.[1])).toBeGreaterThan(20);
    expect(text).toMatch(/runner_execution_duration_seconds_bucket\{le="\+Inf"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_bucket/);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
