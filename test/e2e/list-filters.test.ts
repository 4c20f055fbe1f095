import { b64 } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

/**
 * The filters the console's activity page and jobs list use, on the real api and worker: the
 * account-wide run list by job and time, the job list by text and last-run status, a run's records
 * by host. Each refuses a bad value with a 400 naming the field.
 */
const LOCAL_VARS = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PASSING = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: fine }\n');
/** Fails on edge-2 only, with a message the host filter must find. */
const FAILING = b64(
  [
    '- hosts: all',
    '  gather_facts: false',
    '  tasks:',
    '    - name: check the certificate store',
    "      ansible.builtin.fail: { msg: certificate store locked }",
    "      when: inventory_hostname == 'edge-2'",
    '    - name: report',
    '      ansible.builtin.debug: { msg: done }',
    '',
  ].join('\n'),
);

describe('list filters (activity, jobs, records by host)', () => {
  let stack: Stack;
  const runs: Record<string, { job: any; execution: any; path: string }> = {};
  let before: string;
  let between: string;

  beforeAll(async () => {
    stack = await startStack();
    expect((await stack.admin.post('/v2/accounts/DEMO', { alias: 'FILTSUB', name: 'Filters sub-account' })).status).toBe(201);
    before = new Date(Date.now() - 1000).toISOString();
    runs.deploy = await createAndStart(stack.admin, 'DEMO', { description: 'Deploy web tier', playbook: PASSING, hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }] });
    await waitForStatus(stack.admin, runs.deploy.path);
    // The later runs are created after this instant (the database's clock, a second's margin either way).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const hosts = [{ id: 'edge-1', hostVars: LOCAL_VARS }, { id: 'edge-2', hostVars: LOCAL_VARS }];
    runs.rotate = await createAndStart(stack.admin, 'DEMO', { description: 'Rotate TLS certificates', playbook: FAILING, hosts });
    runs.sub = await createAndStart(stack.admin, 'FILTSUB', { description: 'Rotate sub certificates', playbook: FAILING, hosts });
    await waitForStatus(stack.admin, runs.rotate.path);
    await waitForStatus(stack.admin, runs.sub.path);
    // Never run; found by its repository (loopback: creating a job does not contact it anyway).
    expect(
      (
        await stack.admin.post('/v2/automation/jobs/DEMO', {
          description: 'Nightly package updates',
          repository: { url: 'http://127.0.0.1:9/ops/site-maintenance.git', defaultPlaybook: 'patch-all.yml' },
          hosts: [{ id: 'web-1' }],
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const ids = (reply: { status: number; body: any }): string[] => {
    expect(reply.status).toBe(200);
    return reply.body.results.map((e: any) => e.execution_id ?? e.description);
  };
  const tree = (query: string) => stack.admin.get(`/v2/automation/jobs/DEMO/executions?includeSubAccounts=true&${query}`);
  const expectField = (reply: { status: number; body: any }, field: string): void => {
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: any) => e.field)).toContain(field);
  };

  it('narrows the account-wide runs by job, status and creation time, in its sub-accounts too', async () => {
    expect(ids(await tree('size=100'))).toEqual([runs.sub.execution.execution_id, runs.rotate.execution.execution_id, runs.deploy.execution.execution_id]);
    const sub = await tree(`jobId=${runs.sub.job.id}`);
    expect(ids(sub)).toEqual([runs.sub.execution.execution_id]);
    expect(sub.body).toMatchObject({ totalSize: 1, results: [{ account_alias: 'FILTSUB', status: 'FAILURE', failed_hosts: ['edge-2'] }] });
    // Without includeSubAccounts the sub-account's job has no runs here.
    expect(ids(await stack.admin.get(`/v2/automation/jobs/DEMO/executions?jobId=${runs.sub.job.id}`))).toEqual([]);
    expect(ids(await tree('status=SUCCESS'))).toEqual([runs.deploy.execution.execution_id]);
    expect(ids(await tree(`from=${between}`))).toEqual([runs.sub.execution.execution_id, runs.rotate.execution.execution_id]);
    expect(ids(await tree(`to=${between}`))).toEqual([runs.deploy.execution.execution_id]);
    expect(ids(await tree(`from=${before}&to=${between}&status=SUCCESS`))).toEqual([runs.deploy.execution.execution_id]);
    expect(ids(await tree(`from=${between}&jobId=${runs.deploy.job.id}`))).toEqual([]);
    // A job of another tree is no way in: the filter narrows, it never widens.
    const stranger = await stack.admin.get(`/v2/automation/jobs/FILTSUB/executions?jobId=${runs.deploy.job.id}&includeSubAccounts=true`);
    expect(ids(stranger)).toEqual([]);
  });

  it('refuses a bad job id or time with a 400 naming the field, and documents the filters', async () => {
    expectField(await tree('jobId=not-a-job'), 'jobId');
    expectField(await tree('from=yesterday'), 'from');
    expectField(await tree('from=2026-W48-1'), 'from');
    expectField(await tree(`from=${between}&to=${before}`), 'to');
    expectField(await tree(`to=${encodeURIComponent("2026-11-30' OR 1=1 --")}`), 'to');
    const openapi = (await stack.admin.get('/v2/openapi.json')).body;
    const names = openapi.paths['/v2/automation/jobs/{alias}/executions'].get.parameters.map((p: any) => p.name);
    expect(names).toEqual(expect.arrayContaining(['status', 'jobId', 'from', 'to', 'includeSubAccounts']));
    const jobList = openapi.paths['/v2/automation/jobs/{alias}'].get.parameters.map((p: any) => p.name);
    expect(jobList).toEqual(expect.arrayContaining(['search', 'lastStatus', 'page', 'size']));
    const records = openapi.paths['/v2/automation/status/{alias}/job/{jobId}/execution/{executionId}'].get.parameters.map((p: any) => p.name);
    expect(records).toContain('host');
  });

  it('searches the job list by description, repository and playbook, and filters it by the last run’s status', async () => {
    const jobs = (query: string) => stack.admin.get(`/v2/automation/jobs/DEMO?${query}`);
    expect(ids(await jobs('search=ROTATE'))).toEqual(['Rotate TLS certificates']);
    expect(ids(await jobs('search=site-maintenance'))).toEqual(['Nightly package updates']);
    expect(ids(await jobs('search=patch-all.yml'))).toEqual(['Nightly package updates']);
    // % and _ are text, not wildcards.
    expect(ids(await jobs('search=%25'))).toEqual([]);
    expect(ids(await jobs('search=_'))).toEqual([]);
    expect(ids(await jobs('lastStatus=FAILURE'))).toEqual(['Rotate TLS certificates']);
    expect(ids(await jobs('lastStatus=SUCCESS'))).toEqual(['Deploy web tier']);
    expect(ids(await jobs('lastStatus=NONE'))).toEqual(['Nightly package updates']);
    expect(ids(await jobs('lastStatus=FAILURE&search=deploy'))).toEqual([]);
    // The same shape as the whole list (the Runner's), with the filtered total.
    const found = await jobs('search=deploy&size=1');
    expect(Object.keys(found.body).sort()).toEqual(['page', 'results', 'size', 'totalSize']);
    expect(found.body.totalSize).toBe(1);
    // A new run moves the last status at once (a last-status page is never served from the page cache).
    const again = await stack.admin.post(`/v2/automation/jobs/DEMO/${runs.deploy.job.id}/start`, {});
    expect(again.status).toBe(202);
    expect(ids(await jobs('lastStatus=SUCCESS'))).toEqual([]);
    await waitForStatus(stack.admin, `${runs.deploy.path.replace(/[^/]+$/, '')}${again.body.execution_id}`);
    expect(ids(await jobs('lastStatus=SUCCESS'))).toEqual(['Deploy web tier']);

    expectField(await jobs('lastStatus=BROKEN'), 'lastStatus');
    expectField(await jobs(`search=${'x'.repeat(201)}`), 'search');
    expectField(await jobs('search='), 'search');
    // A NUL is refused before any DTO (hostile-input.middleware.ts), as on every endpoint.
    expect((await jobs('search=a%00b')).status).toBe(400);
    expectField(await jobs('search=a&search=b'), 'search');
  });

  it('gives one host’s records of a run in counter order, and refuses a host pattern', async () => {
    const { job, execution } = runs.rotate;
    const all = await allRecords(stack.admin, 'DEMO', job.id, execution.execution_id);
    const base = `/v2/automation/status/DEMO/job/${job.id}/execution/${execution.execution_id}`;
    const edge2 = await stack.admin.get(`${base}?host=edge-2`);
    expect(edge2.status).toBe(200);
    const want = all.filter((r) => r.host === 'edge-2');
    expect(want.length).toBeGreaterThan(1);
    expect(edge2.body.totalSize).toBe(want.length);
    expect(edge2.body.results.map((r: any) => r.counter)).toEqual(want.map((r) => r.counter));
    expect(edge2.body.results.find((r: any) => r.event_type === 'runner_on_failed')).toMatchObject({ task: 'check the certificate store', failed: true });
    expect(JSON.stringify(edge2.body.results)).toContain('certificate store locked');
    expect((await stack.admin.get(`${base}?host=nobody`)).body.totalSize).toBe(0);
    expectField(await stack.admin.get(`${base}?host=${encodeURIComponent('edge-*:all')}`), 'host');
  });

  it('gives totals that equal the rows (kept by job_runs, not counted): runs of a job, an account, a tree, by status; records after a counter, of a job', async () => {
    const total = async (url: string): Promise<number> => {
      const reply = await stack.admin.get(url);
      expect(reply.status).toBe(200);
      return reply.body.totalSize;
    };
    const jobRuns = `/v2/automation/jobs/DEMO/${runs.deploy.job.id}/executions`;
    const everyRun = (await stack.admin.get(`${jobRuns}?size=100`)).body.results;
    expect(await total(`${jobRuns}?size=1`)).toBe(everyRun.length);
    expect(await total(`${jobRuns}?size=1&status=SUCCESS`)).toBe(everyRun.filter((e: any) => e.status === 'SUCCESS').length);
    expect(await total(`${jobRuns}?size=1&status=FAILURE`)).toBe(0);
    const inAccount = (await stack.admin.get('/v2/automation/jobs/DEMO/executions?size=100')).body.results.length;
    expect(await total('/v2/automation/jobs/DEMO/executions?size=1')).toBe(inAccount);
    expect(await total('/v2/automation/jobs/DEMO/executions?size=1&includeSubAccounts=true')).toBe(inAccount + 1);
    expect(await total('/v2/automation/jobs/DEMO/executions?size=1&includeSubAccounts=true&status=FAILURE')).toBe(2);
    expect(await total(`/v2/automation/jobs/DEMO/executions?size=1&includeSubAccounts=true&jobId=${runs.sub.job.id}`)).toBe(1);

    const { job, execution } = runs.rotate;
    const all = await allRecords(stack.admin, 'DEMO', job.id, execution.execution_id);
    const base = `/v2/automation/status/DEMO/job/${job.id}/execution/${execution.execution_id}`;
    const after = await stack.admin.get(`${base}?afterCounter=3&size=2`);
    expect(after.body).toMatchObject({ totalSize: all.length - 3 });
    expect(after.body.results.map((r: any) => r.counter)).toEqual([4, 5]);
    expect(await total(`${base}?afterCounter=${all.length}`)).toBe(0);
    expect(await total(`${base}?afterCounter=${all.length + 50}`)).toBe(0);
    expect(await total(`/v2/automation/status/DEMO/job/${job.id}?size=1`)).toBe(all.length);
  });
});
