import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ApiClient, b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { ROOT } from '../support/processes';
import { RecordClient } from '../support/socket';
import { allRecords, createAndStart, processCommandLines, Stack, startStack, TERMINAL, waitForStatus } from '../support/stack';

/**
 * Runs that call back (README "Runs that call back"): every run gets RUNNER_API_URL and a token
 * minted for it in its environment. Real api, worker, PostgreSQL and Ansible, sandbox on. The
 * playbooks use only ansible.builtin.uri with the two variables, then report what they saw to a
 * loopback listener of this test, the token in a header (the only way the test learns it: it is
 * masked in everything the run leaves), and wait there while the test looks at the live run.
 */

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const COLLECTION_DIR = path.join(ROOT, 'collection');

interface Report {
  token: string;
  body: Record<string, any>;
}

/** The test's loopback listener: each report is held open until the test releases it, so the run waits. */
class ReportListener {
  private server?: http.Server;
  readonly reports = new Map<string, Report>();
  private readonly releases = new Map<string, () => void>();
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const label = (request.url ?? '').replace(/^\/report\//, '');
        this.reports.set(label, { token: String(request.headers['x-run-token'] ?? ''), body: JSON.parse(raw || '{}') });
        this.releases.set(label, () => response.end('released'));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  release(label: string): void {
    this.releases.get(label)?.();
  }

  stop(): void {
    for (const release of this.releases.values()) release();
    this.server?.close();
  }

  /** The run's report, or an error with the run's status if it ended without reporting. */
  async waitFor(label: string, client: ApiClient, executionPath: string, timeoutMs = 120_000): Promise<Report> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const report = this.reports.get(label);
      if (report) return report;
      const execution = (await client.get(executionPath)).body;
      if (TERMINAL.includes(execution.status)) throw new Error(`run ${label} ended ${execution.status} without reporting: ${execution.reason}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`run ${label} did not report in time`);
  }
}

/** A playbook on localhost: `calls` (name → uri arguments) registered by name, then the report with `extra` facts. */
function callingPlaybook(label: string, port: number, calls: Record<string, string>, extraTasks: string[] = [], extra: Record<string, string> = {}): string {
  const lines = [
    '- hosts: all',
    '  gather_facts: false',
    '  vars:',
    `    api: "{{ lookup('env', 'RUNNER_API_URL') }}"`,
    `    token: "{{ lookup('env', 'RUNNER_API_TOKEN') }}"`,
    `    auth: { Authorization: "Bearer {{ token }}" }`,
    '  tasks:',
    // Printed on purpose, plain and base64: the masker must keep both out of the transcript and records.
    '    - ansible.builtin.debug:',
    `        msg: "the token is {{ token }} ({{ token | b64encode }})"`,
  ];
  for (const [name, args] of Object.entries(calls)) {
    lines.push(`    - name: ${name}`, `      ansible.builtin.uri: ${args}`, `      register: ${name}`);
  }
  lines.push(...extraTasks);
  const body = { ...Object.fromEntries(Object.keys(calls).map((name) => [name, `{{ ${name}.status }}`])), ...extra };
  lines.push(
    '    - name: report',
    '      ansible.builtin.uri:',
    `        url: "http://127.0.0.1:${port}/report/${label}"`,
    '        method: POST',
    '        headers: { X-Run-Token: "{{ token }}" }',
    '        body_format: json',
    `        body: ${JSON.stringify(body)}`,
    '        timeout: 300',
  );
  return b64(lines.join('\n') + '\n');
}

/** uri arguments calling the API with the run's token; any of these answers is recorded, none fails the task. */
const call = (method: string, route: string, body?: object): string =>
  `{ url: "{{ api }}${route}", method: ${method}, headers: "{{ auth }}", status_code: [200, 201, 204, 400, 401, 403, 404]${body ? `, body_format: json, body: ${JSON.stringify(body)}` : ''} }`;

describe('runs that call back: a token minted for the run, in its environment only', () => {
  let stack: Stack;
  let admin: ApiClient;
  const listener = new ReportListener();

  beforeAll(async () => {
    await listener.start();
    stack = await startStack();
    admin = stack.admin;
    expect((await admin.post('/v2/accounts/DEMO', { alias: 'OTHER', name: 'Another tenant' })).status).toBe(201);
    expect((await admin.post('/v2/accounts/DEMO', { alias: 'DEMOSUB', name: 'Below DEMO' })).status).toBe(201);
    expect((await admin.post('/v2/users/DEMO', { username: 'demo-operator', password: 'demo-operator-password', roles: ['ServerOperator'] })).status).toBe(201);
  });
  afterAll(async () => {
    listener.stop();
    await stack?.stop();
  });

  it("acts for the run's account only, works during the run, is refused (401) once it ended, and is never shown", async () => {
    const playbook = callingPlaybook(
      'admin',
      listener.port,
      {
        own_job: call('GET', '/v2/automation/jobs/DEMO/{{ job_id }}'),
        other_account: call('GET', '/v2/automation/jobs/OTHER'),
        sub_account: call('GET', '/v2/automation/jobs/DEMOSUB'),
      },
      [
        '    - ansible.builtin.stat: { path: ' + JSON.stringify(COLLECTION_DIR) + ' }',
        '      register: collection',
        // The rest of the service's code stays hidden from runs.
        '    - ansible.builtin.stat: { path: ' + JSON.stringify(path.join(ROOT, 'package.json')) + ' }',
        '      register: code',
      ],
      {
        collections_path: "{{ lookup('env', 'ANSIBLE_COLLECTIONS_PATH') }}",
        collection_dir: '{{ collection.stat.isdir | default(false) }}',
        collection_readable: '{{ collection.stat.readable | default(false) }}',
        code_seen: '{{ code.stat.exists }}',
      },
    );
    const created = await admin.post('/v2/automation/jobs/DEMO', { description: 'calls back', playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }], executionTtl: 5 });
    expect(created.status).toBe(201);
    const jobId = created.body.id;
    const started = await admin.post(`/v2/automation/jobs/DEMO/${jobId}/start`, { properties: { job_id: jobId } });
    expect(started.status).toBe(202);
    const executionId = started.body.execution_id;
    const executionPath = `/v2/automation/jobs/DEMO/${jobId}/executions/${executionId}`;

    const report = await listener.waitFor('admin', admin, executionPath);
    const token = report.token;
    expect(token).toMatch(/^rnr_[\w-]{40,}$/);
    expect(report.body).toMatchObject({ own_job: '200', other_account: '403', sub_account: '403' });
    // The collection folder is first on the run's collections path, Ansible's defaults after it, and readable there.
    expect(report.body.collections_path).toBe(`${COLLECTION_DIR}:~/.ansible/collections:/usr/share/ansible/collections`);
    expect(report.body).toMatchObject({ collection_dir: true, collection_readable: true, code_seen: false });

    // While the run waits on the report: the token is on no command line, and works from anywhere.
    expect(processCommandLines().filter((line) => line.includes(token))).toEqual([]);
    const runToken = admin.as(token);
    expect((await runToken.get(`/v2/automation/jobs/DEMO/${jobId}`)).status).toBe(200);
    const socket = new RecordClient(stack.api.url, token);
    await socket.connect();
    expect(await socket.socket.emitWithAck('subscribe', { accountAlias: 'DEMO', executionId })).toMatchObject({ ok: true });
    expect(await socket.socket.emitWithAck('subscribe', { accountAlias: 'DEMOSUB' })).toMatchObject({ ok: false });
    // The account-wide runs list with ?includeSubAccounts=true: the run's account only, never its sub-accounts'.
    const below = await createAndStart(admin, 'DEMOSUB', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    const tree = '/v2/automation/jobs/DEMO/executions?includeSubAccounts=true&size=100';
    expect((await admin.get(tree)).body.results.map((e: any) => e.execution_id)).toContain(below.execution.execution_id);
    const seenByRun = await runToken.get(tree);
    expect(seenByRun.status).toBe(200);
    expect(seenByRun.body.results.map((e: any) => e.account_alias)).toEqual(seenByRun.body.results.map(() => 'DEMO'));
    expect(seenByRun.body.results.map((e: any) => e.execution_id)).toContain(executionId);
    await waitForStatus(admin, below.path);

    listener.release('admin');
    const ended = await waitForStatus(admin, executionPath);
    expect(ended.status).toBe('SUCCESS');

    // Revoked in the transaction that stored the end: refused at once, and its socket is closed.
    const after = await runToken.get(`/v2/automation/jobs/DEMO/${jobId}`);
    expect(after.status).toBe(401);
    expect(await socket.waitForDisconnect()).toBe('io server disconnect');
    expect(socket.told.map((t) => t.message)).toContain('unauthorized: token revoked');

    // Stored as a hash only, linked to its run, with the run's account, expiring with the run's TTL.
    const [row] = await stack.db.query<any>(
      `SELECT t.execution_id, t.revoked_at IS NOT NULL AS revoked, t.account_id = a.id AS run_account,
              t.expires_at <= t.created_at + interval '7 minutes' AS bounded
         FROM auth_tokens t JOIN accounts a ON a.alias = 'DEMO' WHERE t.token_hash = sha256($1::bytea)`,
      [Buffer.from(token)],
    );
    expect(row).toEqual({ execution_id: executionId, revoked: true, run_account: true, bounded: true });

    // Masked everywhere the run left something, in both forms the playbook printed it.
    const records = await allRecords(admin, 'DEMO', jobId, executionId);
    const transcript = await stack.db.query('SELECT text FROM execution_output WHERE execution_id = $1', [executionId]);
    const everything = [JSON.stringify(records), JSON.stringify(transcript), JSON.stringify(ended), stack.api.process.output(), stack.worker.output()].join('\n');
    expect(JSON.stringify(transcript)).toContain('the token is ');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(Buffer.from(token).toString('base64'));
  });

  it("has the roles of whoever started the run: a ServerOperator's run cannot create or delete jobs", async () => {
    const operator = new ApiClient(stack.api.url);
    await operator.login('demo-operator', 'demo-operator-password');
    const playbook = callingPlaybook('operator', listener.port, {
      read_job: call('GET', '/v2/automation/jobs/DEMO/{{ job_id }}'),
      create_job: call('POST', '/v2/automation/jobs/DEMO', { description: 'made by a run', playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost' }] }),
      delete_job: call('DELETE', '/v2/automation/jobs/DEMO/{{ job_id }}'),
    });
    // Made by the admin, started by the operator: the run's token has the operator's roles.
    const created = await admin.post('/v2/automation/jobs/DEMO', { description: 'operator run', playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    expect(created.status).toBe(201);
    const jobId = created.body.id;
    const jobsBefore = (await admin.get('/v2/automation/jobs/DEMO')).body.totalSize;
    const started = await operator.post(`/v2/automation/jobs/DEMO/${jobId}/start`, { properties: { job_id: jobId } });
    expect(started.status).toBe(202);
    const executionPath = `/v2/automation/jobs/DEMO/${jobId}/executions/${started.body.execution_id}`;

    const report = await listener.waitFor('operator', admin, executionPath);
    expect(report.body).toMatchObject({ read_job: '200', create_job: '403', delete_job: '403' });
    listener.release('operator');
    expect((await waitForStatus(admin, executionPath)).status).toBe('SUCCESS');
    expect((await admin.get('/v2/automation/jobs/DEMO')).body.totalSize).toBe(jobsBefore);
    expect((await admin.get(`/v2/automation/jobs/DEMO/${jobId}`)).status).toBe(200);
    expect((await admin.as(report.token).get(`/v2/automation/jobs/DEMO/${jobId}`)).status).toBe(401);
  });
});
