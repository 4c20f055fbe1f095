import type { Page, WebSocketRoute } from 'playwright-core';
import { expectAccessible, switchToDarkTheme } from '../support/axe';
import { launchBrowser, type Browser } from '../support/browser';
import { b64 } from '../support/http';
import { freePort } from '../support/free-port';
import { PortGate } from '../support/gate';
import { ADMIN_PASSWORD } from '../support/processes';
import { screenshot } from '../support/screenshots';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

/** The web console in a real browser against the real api and worker. */
const LOCAL = 'ansible_connection=local ansible_python_interpreter=/usr/bin/python3';
const LOCAL_VARS = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };

/** True (in the page) when the grid has exactly these numbers of cells in these states. */
function gridCounts(want: Record<string, number>): boolean {
  const document = (globalThis as any).document;
  return Object.entries(want).every(([state, n]) => document.querySelectorAll(`#run-grid td[data-state="${state}"]`).length === n);
}

describe('web console', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const gates: PortGate[] = [];
  /** Every WebSocket the page opens goes through here, so a test can drop one like a network would. */
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    await browser.context.routeWebSocket(/\/socket\.io\//, (ws) => {
      sockets.push({ page: ws, server: ws.connectToServer() });
    });
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    gates.forEach((gate) => gate.close());
  });

  const statusBadge = (status: string) => page.locator(`#run-status [data-status="${status}"]`);
  const runUrl = /\/jobs\/[0-9a-f-]{36}\/executions\/[0-9a-f-]{36}$/;
  const idsFromUrl = (): { jobId: string; executionId: string } => {
    const [, jobId, executionId] = new URL(page.url()).pathname.match(/\/jobs\/([^/]+)\/executions\/([^/]+)/)!;
    return { jobId, executionId };
  };

  it('serves the console at / with its security headers, without shadowing the API or operating endpoints', async () => {
    // As a browser's navigation asks (README "The Runner's own clients": HTML first gets the console).
    const index = await fetch(`${stack.api.url}/jobs/some/deep/link`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)![1];
    const script = await fetch(stack.api.url + asset);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${stack.api.url}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${stack.api.url}/v2/automation/jobs/DEMO`);
    expect(api.status).toBe(401);
    expect(await api.json()).toHaveProperty('message');
    expect((await fetch(`${stack.api.url}/v2/nothing-here`)).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${stack.api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.api.url}/metrics`)).headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('logs in, refusing a wrong password with the service’s message first', async () => {
    await page.goto(`${stack.api.url}/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: "didn't recognize the username or password" }).waitFor();
    await expectAccessible(page, 'the login page with its error');
    // The second attempt by keyboard alone: focus starts in the username field, Tab, type, Enter.
    await page.getByLabel('Username').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/jobs');
  });

  it('creates a job with an inline playbook, starts it, and fills the grid live until SUCCESS', async () => {
    const release = await PortGate.create();
    gates.push(release);
    const playbook = [
      '- name: deploy web tier',
      '  hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: check release notes',
      '      ansible.builtin.debug: { msg: "release {{ app_version }} on {{ inventory_hostname }}" }',
      '    - name: render config',
      '      ansible.builtin.command: "true"',
      '    - name: wait for the release',
      `      ansible.builtin.wait_for: ${release.waitFor}`,
      '    - name: restart service',
      '      ansible.builtin.debug: { msg: restarted }',
      "      when: inventory_hostname != 'db-1'",
      '    - name: smoke test',
      '      ansible.builtin.debug: { msg: ok }',
      '    - name: publish the release',
      '      ansible.builtin.set_stats: { data: { release: "{{ app_version }}" }, aggregate: false }',
      '',
    ].join('\n');
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Description').fill('Deploy web tier');
    await page.getByLabel('Playbook YAML').fill(playbook);
    await page.getByLabel('Host 1 name').fill('web-1');
    await page.getByLabel('Host 1 variables').fill(LOCAL);
    for (const [i, name] of [[2, 'web-2'], [3, 'db-1']] as const) {
      await page.getByRole('button', { name: 'Add host' }).click();
      await page.getByLabel(`Host ${i} name`).fill(name);
      await page.getByLabel(`Host ${i} variables`).fill(LOCAL);
    }
    await page.getByRole('button', { name: 'Add property' }).click();
    await page.getByLabel('Property 1 name').fill('app_version');
    await page.getByLabel('Property 1 value').fill('2.4.1');
    await page.getByRole('button', { name: 'Add vault password' }).click();
    await page.getByLabel('Vault password 1 name').fill('default');
    await page.getByLabel('Vault password 1 password').fill('console-vault-password');
    expect(await page.getByLabel('Vault password 1 password').getAttribute('type')).toBe('password');
    await expectAccessible(page, 'the new job form');
    await page.getByRole('button', { name: 'Create and run' }).click();
    await page.waitForURL(runUrl);
    const { jobId, executionId } = idsFromUrl();

    // Live: the first two tasks are done on every host and the run waits on the gate, still RUNNING.
    const grid = page.locator('#run-grid');
    await grid.locator('tbody tr').nth(2).waitFor();
    await page.waitForFunction(gridCounts, { ok: 3, changed: 3, running: 3 }, { timeout: 60_000 });
    expect(await statusBadge('RUNNING').count()).toBe(1);
    await release.open();

    await statusBadge('SUCCESS').waitFor({ timeout: 90_000 });
    expect(await grid.locator('thead th').allInnerTexts()).toEqual(['Host', '1 check release notes', '2 render config', '3 wait for the release', '4 restart service', '5 smoke test', '6 publish the release', 'Recap']);
    expect(await grid.locator('tbody th').allInnerTexts()).toEqual(['web-1', 'web-2', 'db-1']);
    expect(await grid.locator('td[data-state="skipped"]').count()).toBe(1);
    expect(await grid.locator('tbody tr', { hasText: 'db-1' }).locator('td.recap').innerText()).toBe('ok 5 · changed 1 · skipped 1');
    expect(await grid.locator('td[data-state="running"]').count()).toBe(0);
    expect(await grid.locator('td.cell:not([data-state])').count()).toBe(0);
    const stored = await allRecords(stack.admin, 'DEMO', jobId, executionId);
    await page.locator(`#run-records[data-count="${stored.length}"]`).waitFor();
    expect(await page.locator('#run-records').getAttribute('data-duplicates')).toBe('0');
    await page.locator('#transcript').filter({ hasText: 'PLAY RECAP' }).waitFor();
    expect(await page.locator('#transcript').innerText()).toContain('release 2.4.1 on web-1');
    expect((await stack.admin.get(`/v2/automation/jobs/DEMO/${jobId}/executions/${executionId}`)).body.status).toBe('SUCCESS');
    // What the playbook published with set_stats, and the vault password stored write-only.
    await page.locator('#artifacts').filter({ hasText: '"release": "2.4.1"' }).waitFor();
    expect((await stack.admin.get(`/v2/automation/jobs/DEMO/${jobId}`)).body.vaultPasswords).toEqual({ default: '$encrypted$' });
    // A finished run offers no stop or kill.
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await expectAccessible(page, 'the run page');
    await screenshot(page, 'console-run', { fullPage: true });
  });

  it('lists jobs with the status of their last run (screenshot at the end, with every run)', async () => {
    // Two more jobs, so the list shows a failed run and one never run.
    const failing = await createAndStart(stack.admin, 'DEMO', {
      description: 'Rotate TLS certificates',
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.fail: { msg: certificate store locked }\n'),
      hosts: [{ id: 'edge-1', hostVars: LOCAL_VARS }],
    });
    await waitForStatus(stack.admin, failing.path);
    await stack.admin.post('/v2/automation/jobs/DEMO', {
      description: 'Nightly package updates',
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n'),
      hosts: [{ id: 'web-1', hostVars: LOCAL_VARS }, { id: 'web-2', hostVars: LOCAL_VARS }],
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    const rows = page.locator('table tbody tr');
    await page.locator('.last-run .badge').nth(2).waitFor();
    expect(await rows.locator('td:first-child a').allInnerTexts()).toEqual(['Nightly package updates', 'Rotate TLS certificates', 'Deploy web tier']);
    expect(await rows.nth(0).locator('.last-run').innerText()).toMatch(/never run/);
    await rows.nth(1).locator('[data-status="FAILURE"]').waitFor();
    await rows.nth(2).locator('[data-status="SUCCESS"]').waitFor();
  });

  it('stops a long run from the run page', async () => {
    const job = (
      await stack.admin.post('/v2/automation/jobs/DEMO', {
        description: 'Long maintenance window',
        playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long task\n      ansible.builtin.command: sleep 300\n'),
        hosts: [{ id: 'localhost', hostVars: LOCAL_VARS }],
      })
    ).body;
    await page.goto(`${stack.api.url}/jobs`);
    await page.locator(`tr[data-job-id="${job.id}"]`).getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(runUrl);
    const { executionId } = idsFromUrl();
    await page.locator('#run-grid td[data-state="running"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await statusBadge('STOPPED').waitFor({ timeout: 90_000 });
    const execution = (await stack.admin.get(`/v2/automation/jobs/DEMO/${job.id}/executions/${executionId}`)).body;
    expect(execution.status).toBe('STOPPED');
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
  });

  it('resumes after a dropped connection with afterCounter: every record once, the grid complete', async () => {
    const gate = await PortGate.create();
    gates.push(gate);
    const job = (
      await stack.admin.post('/v2/automation/jobs/DEMO', {
        description: 'Warm application caches',
        playbook: b64(
          [
            '- hosts: all',
            '  gather_facts: false',
            '  tasks:',
            '    - { name: before, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 40) | list }}" }',
            `    - { name: gate, ansible.builtin.wait_for: ${gate.waitFor} }`,
            '    - { name: after, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 40) | list }}" }',
            '',
          ].join('\n'),
        ),
        hosts: [{ id: 'a', hostVars: LOCAL_VARS }, { id: 'b', hostVars: LOCAL_VARS }],
      })
    ).body;
    const connectionsBefore = sockets.length;
    await page.goto(`${stack.api.url}/jobs/${job.id}/executions`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(runUrl);
    const { executionId } = idsFromUrl();
    await page.waitForFunction(gridCounts, { ok: 2, running: 2 }, { timeout: 60_000 });
    const seenBeforeDrop = Number(await page.locator('#run-records').getAttribute('data-count'));
    expect(seenBeforeDrop).toBeGreaterThan(80);

    // Drop the connection under the page, as a network would, while records keep coming.
    const live = sockets[sockets.length - 1];
    await live.server.close();
    await live.page.close({ code: 4000, reason: 'dropped by the test' });
    await gate.open();

    await statusBadge('SUCCESS').waitFor({ timeout: 90_000 });
    expect(sockets.length).toBeGreaterThan(connectionsBefore + 1);
    const stored = await allRecords(stack.admin, 'DEMO', job.id, executionId);
    await page.locator(`#run-records[data-count="${stored.length}"]`).waitFor();
    expect(await page.locator('#run-records').getAttribute('data-duplicates')).toBe('0');
    expect(await page.locator('#run-grid td[data-state="ok"]').count()).toBe(6);
  });

  it('restarts a failed run and kills a long one, from the buttons the execution offers', async () => {
    await page.goto(`${stack.api.url}/jobs`);
    await page.locator('tr', { hasText: 'Rotate TLS certificates' }).locator('.last-run a').click();
    await statusBadge('FAILURE').waitFor();
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Restart failed hosts' }).click();
    await page.getByText(/Attempts: #1 .* · #2 /).waitFor({ timeout: 60_000 });
    await statusBadge('FAILURE').waitFor({ timeout: 60_000 });
    expect(await page.locator('#run-grid td[data-state="failed"]').count()).toBe(1);

    await page.goto(`${stack.api.url}/jobs`);
    await page.locator('tr', { hasText: 'Long maintenance window' }).getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(runUrl);
    await page.locator('#run-grid td[data-state="running"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Kill' }).click(); // the confirmation is accepted by the dialog handler
    await statusBadge('KILLED').waitFor({ timeout: 60_000 });
  });

  it('shows a viewer no controls it may not use', async () => {
    expect((await stack.admin.post('/v2/users/DEMO', { username: 'viewer', password: 'viewer-password-1', roles: ['AccountViewer'] })).status).toBe(201);
    const viewer = await browser.context.newPage(); // a new tab: its own sessionStorage, so its own login
    try {
      await viewer.goto(`${stack.api.url}/jobs`);
      await viewer.getByLabel('Username').fill('viewer');
      await viewer.getByLabel('Password').fill('viewer-password-1');
      await viewer.getByRole('button', { name: 'Log in' }).click();
      await viewer.locator('.last-run .badge').first().waitFor();
      expect(await viewer.getByRole('link', { name: 'New job' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: 'Run' }).count()).toBe(0);
      expect(await viewer.getByRole('link', { name: 'Edit' }).count()).toBe(0);
      await viewer.locator('tr', { hasText: 'Rotate TLS certificates' }).locator('.last-run a').click();
      await viewer.locator('#run-status [data-status="FAILURE"]').waitFor();
      expect(await viewer.locator('.controls button').count()).toBe(0);
      // Runners are for a root AccountAdmin: not in a viewer's navigation, and refused if typed in.
      expect(await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runners' }).count()).toBe(0);
      await viewer.goto(`${stack.api.url}/runners`);
      await viewer.getByRole('alert').filter({ hasText: 'Only an AccountAdmin of the root account may list runners' }).waitFor();
    } finally {
      await viewer.close();
    }
  });

  it('edits a job: the form shows the stored playbook, hosts and properties and saves changes', async () => {
    await page.goto(`${stack.api.url}/jobs`);
    await page.locator('tr', { hasText: 'Deploy web tier' }).getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit job' }).waitFor();
    expect(await page.getByLabel('Playbook YAML').inputValue()).toContain('name: wait for the release');
    expect(await page.getByLabel('Host 3 name').inputValue()).toBe('db-1');
    expect(await page.getByLabel('Property 1 value').inputValue()).toBe('2.4.1');
    // The stored vault password: its id only, kept when its field is left empty.
    expect(await page.getByLabel('Vault password 1 name').inputValue()).toBe('default');
    expect(await page.getByLabel('Vault password 1 password').inputValue()).toBe('');
    // A broken playbook is caught before it is sent, naming the field and line.
    const original = await page.getByLabel('Playbook YAML').inputValue();
    await page.getByLabel('Playbook YAML').fill('- hosts: all\n  tasks: [\n');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /^playbook: line \d+/ }).waitFor();
    await page.getByLabel('Playbook YAML').fill(original);
    await page.getByLabel('Property 1 value').fill('2.5.0');
    await page.getByRole('button', { name: 'Remove host db-1' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: /runs$/ }).waitFor();
    const jobId = new URL(page.url()).pathname.split('/')[2];
    const job = (await stack.admin.get(`/v2/automation/jobs/DEMO/${jobId}`)).body;
    expect(job.properties).toEqual({ app_version: '2.5.0' });
    expect(job.vaultPasswords).toEqual({ default: '$encrypted$' });
    expect(job.hosts.map((h: any) => h.id)).toEqual(['web-1', 'web-2']);
    expect(Buffer.from(job.playbook, 'base64').toString()).toBe(original);
    // The job's runs page lists its run.
    await page.locator('table tbody tr [data-status="SUCCESS"]').waitFor();
    await expectAccessible(page, 'a job’s runs page');
  });

  it('registers a server and generates a key pair whose private key is shown once, with a copy button', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.api.url });
    await page.goto(`${stack.api.url}/servers`);
    await page.getByLabel('Name').fill('web-1');
    await page.getByLabel('IP address').fill('127.0.0.1');
    await page.getByLabel('Login user').fill('deploy');
    // Nothing listens there: the key deployment below must end "failed", with the reason shown.
    await page.getByLabel('SSH port').fill(String(await freePort()));
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('table tbody tr', { hasText: 'web-1' }).waitFor();
    await expectAccessible(page, 'the servers page');
    await page.getByLabel('IP address').fill('not-an-address');
    await page.getByLabel('Name').fill('bad');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('alert').filter({ hasText: 'ipAddress' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Key pairs' }).click();
    await page.getByLabel('Alias').fill('ops-key');
    await page.getByRole('button', { name: 'Generate' }).click();
    const secret = page.getByRole('region', { name: 'New private key' });
    const shown = await secret.getByLabel('Private key (OpenSSH)').inputValue();
    expect(shown).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    await expectAccessible(page, 'the key pairs page showing a new private key');
    await secret.getByRole('button', { name: 'Copy' }).click();
    await secret.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(shown);
    await page.locator('table tbody tr', { hasText: 'ops-key' }).waitFor();
    expect(await page.locator('table').innerText()).toContain((await stack.admin.get('/v2/automation/keypairs/DEMO/ops-key')).body.fingerprint);
    await secret.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.getByRole('region', { name: 'New private key' }).count()).toBe(0);
    // Nowhere else does the key appear again: a reload shows the list only.
    await page.reload();
    await page.locator('table tbody tr', { hasText: 'ops-key' }).waitFor();
    expect(await page.content()).not.toContain('PRIVATE KEY');

    await page.locator('table tbody tr', { hasText: 'ops-key' }).getByRole('button', { name: 'Deploy' }).click();
    const form = page.getByRole('form', { name: 'Deploy ops-key' });
    await form.getByLabel('Server').selectOption('web-1');
    await form.getByLabel('For users').fill('deploy');
    await form.getByRole('button', { name: 'Deploy' }).click();
    const operation = page.locator('.operation', { hasText: 'ops-key → web-1 (deploy)' });
    await operation.locator('text=failed').waitFor({ timeout: 60_000 });
    expect(await operation.getAttribute('class')).toContain('operation-failed');
  });

  it('shows the runners and their load', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runners' }).click();
    const card = page.locator('article.runner');
    await card.first().waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.innerText()).toMatch(/0 of 2 slots busy/);
    await expectAccessible(page, 'the runners page');
  });

  it('fits a phone screen without sideways scrolling, and saves the jobs list screenshot', async () => {
    await page.goto(`${stack.api.url}/jobs`);
    await page.locator('.last-run .badge').nth(4).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => [(globalThis as any).document.documentElement.scrollWidth, (globalThis as any).innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await page.setViewportSize({ width: 1280, height: 560 });
    await expectAccessible(page, 'the jobs list');
    await screenshot(page, 'console-jobs');

    // A dark theme when the system asks for one, with the same contrast rules met.
    await switchToDarkTheme(page);
    await expectAccessible(page, 'the jobs list, dark');
    await page.goto(page.url().replace(/\/jobs$/, '/jobs/new'));
    await page.getByLabel('Playbook YAML').waitFor();
    await expectAccessible(page, 'the job form, dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
    // Refused API calls (the wrong password, the invalid server) are logged by the browser; those are expected.
    expect(consoleErrors.filter((text) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))).toEqual([]);
  });
});
