import * as fs from 'node:fs';
import type { Page, WebSocketRoute } from 'playwright-core';
import { expectAccessible } from '../support/axe';
import { launchBrowser, type Browser } from '../support/browser';
import { b64 } from '../support/http';
import { PortGate } from '../support/gate';
import { ADMIN_PASSWORD } from '../support/processes';
import { screenshot } from '../support/screenshots';
import { createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

/**
 * The console's activity page (live, filtered, bookmarkable), the jobs list's search and filter, the
 * run page's transcript download and a host's record detail, in a real browser against the real
 * api and worker running real playbooks.
 */
const LOCAL_VARS = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

/** Waits on `gate`, then fails on edge-2 only. */
const failingPlaybook = (gate: PortGate): string =>
  b64(
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: wait for the change window',
      `      ansible.builtin.wait_for: ${gate.waitFor}`,
      '    - name: check the certificate store',
      '      ansible.builtin.fail: { msg: "certificate store locked on {{ inventory_hostname }}" }',
      "      when: inventory_hostname == 'edge-2'",
      '    - name: rotate',
      '      ansible.builtin.debug: { msg: rotated }',
      '',
    ].join('\n'),
  );

describe('web console: activity, job search, transcript download, host records', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const gates: PortGate[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  let deploy: { job: any; execution: any; path: string };
  let subJob: any;
  let subRunId: string;
  /** Every WebSocket the page opens goes through here, so a test can take the network away. */
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  let networkDown = false;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    await browser.context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (networkDown) return void ws.close({ code: 4001, reason: 'network down (test)' });
      sockets.push({ page: ws, server: ws.connectToServer() });
    });
    page = await browser.context.newPage();
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A finished run in the account itself, and a job that never ran.
    deploy = await createAndStart(stack.admin, 'DEMO', {
      description: 'Deploy web tier',
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: deployed }\n'),
      hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }],
    });
    await waitForStatus(stack.admin, deploy.path);
    expect(
      (
        await stack.admin.post('/v2/automation/jobs/DEMO', {
          description: 'Nightly package updates',
          playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n'),
          hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }],
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    gates.forEach((gate) => gate.close());
  });

  const row = (executionId: string) => page.locator(`tr[data-execution-id="${executionId}"]`);
  const activityRows = () => page.locator('table tbody tr');

  it('shows the runs of the account and its sub-accounts, following them live', async () => {
    await page.goto(`${stack.api.url}/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await row(deploy.execution.execution_id).locator('[data-status="SUCCESS"]').waitFor();
    await row(deploy.execution.execution_id).getByRole('link', { name: 'Deploy web tier' }).waitFor();
    await page.locator('#activity-link[data-state="live"]').waitFor();
    await expectAccessible(page, 'the activity page');

    // A sub-account, made now, and a run in it that waits on a gate and then fails on one host.
    expect((await stack.admin.post('/v2/accounts/DEMO', { alias: 'ACTSUB', name: 'Activity sub-account' })).status).toBe(201);
    const gate = await PortGate.create();
    gates.push(gate);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((globalThis as any).notReloaded = true));
    const started = await createAndStart(stack.admin, 'ACTSUB', {
      description: 'Rotate TLS certificates',
      playbook: failingPlaybook(gate),
      hosts: [{ id: 'edge-1', hostVars: LOCAL_VARS }, { id: 'edge-2', hostVars: LOCAL_VARS }],
    });
    subJob = started.job;
    subRunId = started.execution.execution_id;
    const live = row(subRunId);
    await live.locator('[data-status="RUNNING"]').waitFor({ timeout: 60_000 });
    // New runs come first; this one names its account and its job.
    expect(await activityRows().first().getAttribute('data-execution-id')).toBe(subRunId);
    expect(await live.locator('td[data-label="Account"]').innerText()).toBe('ACTSUB');
    await live.getByRole('link', { name: 'Rotate TLS certificates' }).waitFor();
    await expectAccessible(page, 'the activity page with a run under way');

    await gate.open();
    await live.locator('[data-status="FAILURE"]').waitFor({ timeout: 90_000 });
    await live.locator('td.failed-hosts', { hasText: 'edge-2' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
    expect(await activityRows().count()).toBe(2);
    // Told politely, in one sentence, not once per record.
    await page.locator('#activity-announcement', { hasText: 'ended FAILURE' }).waitFor();
    expect(await page.locator('#activity-announcement').getAttribute('aria-live')).toBe('polite');
  });

  it('narrows the runs by status, job and time, and keeps the filters through a reload', async () => {
    const filters = page.getByRole('form', { name: 'Filter runs' });
    await filters.getByLabel('Status').selectOption('FAILURE');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=FAILURE/);
    await page.locator(`tr[data-execution-id="${deploy.execution.execution_id}"]`).waitFor({ state: 'detached' });
    expect(await activityRows().count()).toBe(1);
    await page.reload();
    await row(subRunId).waitFor();
    expect(await activityRows().count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Filter runs' }).getByLabel('Status').inputValue()).toBe('FAILURE');
    await expectAccessible(page, 'the activity page filtered by status');

    // By job: the sub-account's job is offered, with its account.
    await page.getByRole('link', { name: 'Clear' }).click();
    await row(deploy.execution.execution_id).waitFor();
    await page.getByRole('form', { name: 'Filter runs' }).getByLabel('Job').selectOption({ label: 'Deploy web tier' });
    await page.getByRole('form', { name: 'Filter runs' }).getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`jobId=${deploy.job.id}`));
    await row(subRunId).waitFor({ state: 'detached' });
    expect(await activityRows().count()).toBe(1);
    await row(deploy.execution.execution_id).waitFor();
    expect(await page.getByRole('form', { name: 'Filter runs' }).locator('select').nth(1).locator('option').allInnerTexts()).toContain(
      'Rotate TLS certificates · ACTSUB',
    );

    // By time: a window in the past holds no run; one around now holds both.
    await page.goto(`${stack.api.url}/activity`);
    await row(subRunId).waitFor();
    let form = page.getByRole('form', { name: 'Filter runs' });
    await form.getByLabel('From', { exact: true }).fill('2001-01-01T00:00');
    await form.getByLabel('To', { exact: true }).fill('2001-01-02T00:00');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No run matches these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toMatch(/^200[01]-/);
    await page.reload();
    await page.getByText('No run matches these filters.').waitFor();
    form = page.getByRole('form', { name: 'Filter runs' });
    expect(await form.getByLabel('From', { exact: true }).inputValue()).toBe('2001-01-01T00:00');
    await form.getByLabel('To', { exact: true }).fill('2099-01-01T00:00');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await row(subRunId).waitFor();
    expect(await activityRows().count()).toBe(2);
    // Unfiltered, light, with both runs: the README's picture.
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.waitForURL(/\/activity$/);
    await row(subRunId).getByRole('link', { name: 'Rotate TLS certificates' }).waitFor();
    await screenshot(page, 'console-activity');
  });

  it('searches the jobs list by description and filters it by the last run', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    const search = page.getByRole('search', { name: 'Find jobs' });
    await search.getByLabel('Search jobs').fill('DEPLOY');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/search=DEPLOY/);
    await page.locator('table tbody tr', { hasText: 'Nightly package updates' }).waitFor({ state: 'detached' });
    expect(await page.locator('table tbody tr td:first-child a').allInnerTexts()).toEqual(['Deploy web tier']);
    await expectAccessible(page, 'the jobs list, searched');
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByRole('search', { name: 'Find jobs' }).getByLabel('Last run').selectOption('NONE');
    await page.getByRole('search', { name: 'Find jobs' }).getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/lastStatus=NONE/);
    await page.locator('table tbody tr', { hasText: 'Deploy web tier' }).waitFor({ state: 'detached' });
    expect(await page.locator('table tbody tr td:first-child a').allInnerTexts()).toEqual(['Nightly package updates']);
    await page.reload();
    await page.locator('table tbody tr', { hasText: 'Nightly package updates' }).waitFor();
    expect(await page.getByRole('search', { name: 'Find jobs' }).getByLabel('Last run').inputValue()).toBe('NONE');
    await page.getByRole('search', { name: 'Find jobs' }).getByLabel('Search jobs').fill('no such job anywhere');
    await page.getByRole('search', { name: 'Find jobs' }).getByRole('button', { name: 'Search' }).click();
    await page.getByText('No job matches these filters.').waitFor();
  });

  it('downloads the transcript of a finished run in a sub-account, as the stdout endpoint has it', async () => {
    await page.goto(`${stack.api.url}/activity`);
    await row(subRunId).getByRole('link', { name: `Run ${subRunId.slice(0, 8)}` }).click();
    await page.locator('#run-status [data-status="FAILURE"]').waitFor();
    expect(new URL(page.url()).searchParams.get('account')).toBe('ACTSUB');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download transcript' }).click()]);
    expect(download.suggestedFilename()).toBe(`run-${subRunId}.txt`);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    const stdout = await stack.admin.get(`/v2/automation/jobs/ACTSUB/${subJob.id}/executions/${subRunId}/stdout`);
    expect(stdout.status).toBe(200);
    expect(saved).toBe(stdout.body);
    expect(saved).toContain('certificate store locked on edge-2');
  });

  it('shows a host’s records in order with the failed task’s message (light and dark)', async () => {
    await page.locator('#run-grid').getByRole('link', { name: 'edge-2' }).click();
    await page.getByRole('heading', { name: 'Host edge-2' }).waitFor();
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    const api = await stack.admin.get(`/v2/automation/status/ACTSUB/job/${subJob.id}/execution/${subRunId}?host=edge-2&size=100`);
    expect(await rows.count()).toBe(api.body.totalSize);
    const counters = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-counter'))))) as number[];
    expect(counters).toEqual(api.body.results.map((r: any) => r.counter));
    const failed = page.locator('tr[data-outcome="failed"]');
    expect(await failed.count()).toBe(1);
    expect(await failed.innerText()).toContain('check the certificate store');
    expect(await failed.innerText()).toContain('certificate store locked on edge-2');
    await failed.getByText('Result').click();
    await failed.locator('pre.result').waitFor();
    await expectAccessible(page, 'a host’s record detail');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'a host’s record detail, dark');
    await page.goto(`${stack.api.url}/activity`);
    await row(subRunId).waitFor();
    await expectAccessible(page, 'the activity page, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // A phone: the filters wrap and the table becomes cards, with no sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => [(globalThis as any).document.documentElement.scrollWidth, (globalThis as any).innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('gives a viewer of the sub-account its own activity, the download and host records, and no run controls', async () => {
    expect((await stack.admin.post('/v2/users/ACTSUB', { username: 'subviewer', password: 'viewer-password-1', roles: ['AccountViewer'] })).status).toBe(201);
    const viewer = await browser.context.newPage(); // its own sessionStorage, so its own login
    try {
      await viewer.goto(`${stack.api.url}/activity`);
      await viewer.getByLabel('Username').fill('subviewer');
      await viewer.getByLabel('Password').fill('viewer-password-1');
      await viewer.getByRole('button', { name: 'Log in' }).click();
      await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
      const own = viewer.locator(`tr[data-execution-id="${subRunId}"]`);
      await own.waitFor();
      // Its account only: the parent's runs are out of its reach.
      expect(await viewer.locator('table tbody tr').count()).toBe(1);
      await own.getByRole('link', { name: `Run ${subRunId.slice(0, 8)}` }).click();
      await viewer.locator('#run-status [data-status="FAILURE"]').waitFor();
      // Its own account: no ?account= in the address.
      expect(new URL(viewer.url()).search).toBe('');
      expect(await viewer.getByRole('button', { name: 'Restart failed hosts' }).count()).toBe(0);
      await viewer.getByRole('button', { name: 'Download transcript' }).waitFor();
      await viewer.locator('#run-grid').getByRole('link', { name: 'edge-1' }).click();
      await viewer.getByRole('heading', { name: 'Host edge-1' }).waitFor();
      await viewer.locator('tr[data-outcome="ok"]').first().waitFor();
    } finally {
      await viewer.close();
    }
  });

  it('downloads the transcript of a run still under way', async () => {
    const gate = await PortGate.create();
    gates.push(gate);
    const running = await createAndStart(stack.admin, 'DEMO', {
      description: 'Long maintenance window',
      playbook: b64(['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: hold', `      ansible.builtin.wait_for: ${gate.waitFor}`, ''].join('\n')),
      hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }],
    });
    const executionId = running.execution.execution_id;
    await page.goto(`${stack.api.url}/jobs/${running.job.id}/executions/${executionId}`);
    await page.locator('#run-grid td[data-state="running"]').waitFor({ timeout: 60_000 });
    await page.locator('#transcript', { hasText: 'TASK [hold]' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download transcript' }).click()]);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    expect(saved).toContain('TASK [hold]');
    // Still the same text the endpoint has (the run is held on its gate, so the transcript stands still).
    expect(saved).toBe((await stack.admin.get(`${running.path}/stdout`)).body);
    expect((await stack.admin.get(running.path)).body.status).toBe('RUNNING');
    await gate.open();
    await page.locator('#run-status [data-status="SUCCESS"]').waitFor({ timeout: 90_000 });
  });

  it('catches up after a dropped connection: a run that ended meanwhile shows its end', async () => {
    await page.goto(`${stack.api.url}/activity`);
    await page.locator('#activity-link[data-state="live"]').waitFor();
    const gate = await PortGate.create();
    gates.push(gate);
    const run = await createAndStart(stack.admin, 'DEMO', {
      description: 'Flush caches',
      playbook: b64(['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: hold', `      ansible.builtin.wait_for: ${gate.waitFor}`, ''].join('\n')),
      hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }],
    });
    const shown = row(run.execution.execution_id);
    await shown.locator('[data-status="RUNNING"]').waitFor({ timeout: 60_000 });

    // The network goes away (and stays away) while the run ends: the feed cannot tell the page.
    networkDown = true;
    const live = sockets[sockets.length - 1];
    await live.server.close();
    await live.page.close({ code: 4000, reason: 'dropped by the test' });
    await page.locator('#activity-link[data-state="reconnecting"]').waitFor();
    await gate.open();
    await waitForStatus(stack.admin, run.path);
    expect(await shown.locator('[data-status="RUNNING"]').count()).toBe(1);

    // Back: the page subscribes again and reads the list, so the end it missed is shown.
    networkDown = false;
    await shown.locator('[data-status="SUCCESS"]').waitFor({ timeout: 60_000 });
    await page.locator('#activity-link[data-state="live"]').waitFor();
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((text) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))).toEqual([]);
  });
});
