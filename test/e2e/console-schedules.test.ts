import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/axe';
import { launchBrowser, type Browser } from '../support/browser';
import { TRIVIAL_PLAYBOOK } from '../support/http';
import { ADMIN_PASSWORD } from '../support/processes';
import { screenshot } from '../support/screenshots';
import { Stack, startStack } from '../support/stack';

/**
 * The console's schedules and service accounts pages in a real browser against the real api and
 * worker. The browser runs in Asia/Tokyo (UTC+09:00, no daylight saving), so UTC and local times
 * differ and a date typed in local time must reach the API as the right instant.
 */
const ZONE = 'Asia/Tokyo';
const ZONE_OFFSET_MS = 9 * 3600_000;

describe('web console: schedules and service accounts', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let jobId: string;
  /** The answer the next confirm() gets, and every confirm's text. */
  let confirmAnswer = true;
  const confirms: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  const schedulesApi = (): string => `/v2/automation/jobs/DEMO/${jobId}/schedules`;
  const schedules = async (): Promise<any[]> => (await stack.admin.get(schedulesApi())).body.results;
  const sealedPassword = async (alias: string): Promise<string> =>
    (await stack.db.query<{ sealed: string }>(`SELECT sealed_password AS sealed FROM service_accounts WHERE alias = $1`, [alias]))[0].sealed;
  const row = (p: Page, text: string) => p.locator('table tbody tr', { hasText: text });
  const timesIn = (locator: ReturnType<Page['locator']>): Promise<string[]> => locator.locator('time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')!));

  async function logIn(p: Page, username: string, password: string): Promise<void> {
    await p.goto(`${stack.api.url}/jobs`);
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('heading', { name: 'Jobs' }).waitFor();
  }

  beforeAll(async () => {
    stack = await startStack();
    for (const [username, role] of [['scheduler', 'ServerOperator'], ['deployer', 'ServerAdmin'], ['watcher', 'ServerOperator']]) {
      expect((await stack.admin.post('/v2/users/DEMO', { username, password: `${username}-password-1`, roles: [role] })).status).toBe(201);
    }
    const job = await stack.admin.post('/v2/automation/jobs/DEMO', { description: 'Nightly deploy', playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local' } }] });
    expect(job.status).toBe(201);
    jobId = job.body.id;
    browser = await launchBrowser(undefined, ZONE);
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => {
      confirms.push(dialog.message());
      void (confirmAnswer ? dialog.accept() : dialog.dismiss());
    });
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('creates a service account, and edits it with the password write-only', async () => {
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service accounts' }).click();
    await page.getByText('No service accounts yet.').waitFor();
    await expectAccessible(page, 'the empty service accounts page');
    await page.getByLabel('Alias').fill('nightly');
    await page.getByLabel('Username').fill('scheduler');
    await page.getByLabel('Password', { exact: true }).fill('scheduler-password-1');
    await page.getByRole('button', { name: 'Create' }).click();
    await row(page, 'nightly').getByText('scheduler').waitFor();
    const [sa] = (await stack.admin.get('/v2/automation/serviceAccounts/DEMO')).body;
    expect(sa).toMatchObject({ alias: 'nightly', username: 'scheduler' });
    expect(JSON.stringify(sa)).not.toContain('password-1');
    await expectAccessible(page, 'the service accounts page with one account');

    // A user outside the account (here: none at all) is refused with the field named, and nothing is added.
    await page.getByLabel('Alias').fill('ghostly');
    await page.getByLabel('Username').fill('ghost');
    await page.getByLabel('Password', { exact: true }).fill('whatever-1');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('alert').filter({ hasText: 'username: no user ghost in DEMO or its sub-accounts' }).waitFor();
    await expectAccessible(page, 'the service accounts page with an error');
    expect((await stack.admin.get('/v2/automation/serviceAccounts/DEMO')).body).toHaveLength(1);
    await page.getByLabel('Alias').fill('');
    await page.getByLabel('Username').fill('');
    await page.getByLabel('Password', { exact: true }).fill('');

    // Edit: the form never holds the stored password; saved with it empty, the stored one is kept.
    const sealedBefore = await sealedPassword('nightly');
    await page.getByRole('button', { name: 'Edit service account nightly' }).click();
    const form = page.getByRole('form', { name: 'Edit service account nightly' });
    expect(await form.getByLabel('Username').inputValue()).toBe('scheduler');
    expect(await form.getByLabel('New password').inputValue()).toBe('');
    expect(await form.getByLabel('New password').getAttribute('type')).toBe('password');
    await expectAccessible(page, 'the service account edit form');
    await form.getByLabel('Username').fill('deployer');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'its password is unchanged' }).waitFor();
    expect((await stack.admin.get('/v2/automation/serviceAccounts/DEMO/nightly')).body.username).toBe('deployer');
    expect(await sealedPassword('nightly')).toBe(sealedBefore);

    // A new password replaces it (and is never put back into the page).
    await page.getByRole('button', { name: 'Edit service account nightly' }).click();
    await form.getByLabel('Username').fill('scheduler');
    await form.getByLabel('New password').fill('scheduler-password-2');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'with its new password' }).waitFor();
    expect(await sealedPassword('nightly')).not.toBe(sealedBefore);
    expect((await stack.admin.get('/v2/automation/serviceAccounts/DEMO/nightly')).body.username).toBe('scheduler');
    expect(await page.content()).not.toContain('scheduler-password');
  });

  it('creates a cron schedule through the form, previewing the same next fire times the API then computes', async () => {
    await page.goto(`${stack.api.url}/jobs`);
    await page.getByRole('link', { name: 'Schedules of Nightly deploy' }).waitFor();
    await page.getByRole('link', { name: 'Nightly deploy', exact: true }).click();
    await page.getByRole('heading', { name: 'Nightly deploy · runs' }).waitFor();
    await page.locator('.controls').getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Nightly deploy · schedules' }).waitFor();
    await page.getByText('This job has no schedules.').waitFor();
    await expectAccessible(page, 'a job without schedules');

    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Description').fill('Weekday deploy');
    expect(await form.getByLabel('Service account').inputValue()).toBe('nightly');
    await form.getByLabel('Cron expression (UTC)').fill('30 2 * * 1-5');
    const preview = page.locator('#schedule-preview');
    await preview.getByText('Next 5 fire times').waitFor();
    const previewed = await timesIn(preview);
    // Checked against the expression's meaning, not against the code that computed it: five distinct
    // weekdays at 02:30 UTC, in order, each shown in the browser's zone too (11:30 in Tokyo).
    expect(previewed).toHaveLength(5);
    for (const [i, iso] of previewed.entries()) {
      expect(iso).toMatch(/T02:30:00\.000Z$/);
      expect([1, 2, 3, 4, 5]).toContain(new Date(iso).getUTCDay());
      if (i > 0) expect(Date.parse(iso)).toBeGreaterThan(Date.parse(previewed[i - 1]));
    }
    expect(await preview.innerText()).toContain(`11:30 ${ZONE}`);
    await expectAccessible(page, 'the schedule form previewing fire times');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Weekday deploy created.' }).waitFor();

    const [created] = await schedules();
    expect(created).toMatchObject({ description: 'Weekday deploy', serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '30 2 * * 1-5' }, enabled: true, overlap: 'allow', catchUp: 'one' });
    const listed = await timesIn(row(page, 'Weekday deploy'));
    expect(listed).toHaveLength(3);
    expect(listed[0]).toBe(new Date(created.nextRunTime).toISOString());
    expect(listed).toEqual(previewed.slice(0, 3));
    // The form is empty again for the next one.
    expect(await form.getByLabel('Cron expression (UTC)').inputValue()).toBe('');
    await expectAccessible(page, 'a job with a schedule');
  });

  it('refuses a bad cron in the preview and through the API, in the same words', async () => {
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Description').fill('Broken');
    await form.getByLabel('Cron expression (UTC)').fill('61 * * * *');
    const problem = 'is not a valid cron expression: the minute field "61" is outside 0-59';
    await page.locator('#schedule-preview').getByText(`Cron expression ${problem}`).waitFor();
    expect(await page.locator('#schedule-preview time').count()).toBe(0);
    await expectAccessible(page, 'the schedule form with a bad cron');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('alert').filter({ hasText: `trigger.expression: ${problem}` }).waitFor();
    expect(await schedules()).toHaveLength(1);
    // Corrected, the problem goes away.
    await form.getByLabel('Cron expression (UTC)').fill('*/5 * * * *');
    await page.locator('#schedule-preview').getByText('Next 5 fire times').waitFor();
    await form.getByLabel('Description').fill('');
    await form.getByLabel('Cron expression (UTC)').fill('');
  });

  it('disables and enables a schedule with one click', async () => {
    const [before] = await schedules();
    await page.getByRole('button', { name: 'Disable schedule Weekday deploy' }).click();
    await row(page, 'Weekday deploy').getByText('none while disabled').waitFor();
    expect((await stack.admin.get(`${schedulesApi()}/${before.id}`)).body.enabled).toBe(false);
    expect(await row(page, 'Weekday deploy').getByText('disabled', { exact: true }).count()).toBe(1);
    await expectAccessible(page, 'a disabled schedule');
    await page.getByRole('button', { name: 'Enable schedule Weekday deploy' }).click();
    await row(page, 'Weekday deploy').locator('time').first().waitFor();
    const after = (await stack.admin.get(`${schedulesApi()}/${before.id}`)).body;
    expect(after).toMatchObject({ enabled: true, trigger: before.trigger, overlap: before.overlap, catchUp: before.catchUp, description: before.description });
    expect((await timesIn(row(page, 'Weekday deploy')))[0]).toBe(new Date(after.nextRunTime).toISOString());
  });

  it('edits overlap and catch-up, keeping the rest', async () => {
    const [before] = await schedules();
    await page.getByRole('button', { name: 'Edit schedule Weekday deploy' }).click();
    const form = page.getByRole('form', { name: 'Edit schedule Weekday deploy' });
    expect(await form.getByLabel('Cron expression (UTC)').inputValue()).toBe('30 2 * * 1-5');
    await expectAccessible(page, 'the schedule edit form');
    await form.getByRole('group', { name: /^Overlap/ }).getByLabel(/^Queue/).check();
    await form.getByRole('group', { name: /^Catch-up/ }).getByLabel(/^None/).check();
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Weekday deploy saved.' }).waitFor();
    expect(await page.getByRole('form', { name: /^Edit schedule/ }).count()).toBe(0);
    const after = (await stack.admin.get(`${schedulesApi()}/${before.id}`)).body;
    expect(after).toMatchObject({ overlap: 'queue', catchUp: 'none', trigger: before.trigger, description: 'Weekday deploy', serviceAccountAlias: 'nightly', enabled: true });
    await row(page, 'Weekday deploy').getByText('Queue · None').waitFor();
  });

  it('gives a date trigger, typed in local time, exactly one fire time at that instant', async () => {
    // Ten days ahead at 09:15 UTC, typed as the Tokyo wall-clock time (18:15).
    const day = new Date(Date.now() + 10 * 86_400_000);
    const at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 9, 15);
    const local = new Date(at + ZONE_OFFSET_MS).toISOString().slice(0, 16);
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Description').fill('Release day');
    await form.getByLabel('Date (once)').check();
    await form.getByLabel(`Date and time (${ZONE})`).fill(local);
    const preview = page.locator('#schedule-preview');
    await preview.getByText('Fires once').waitFor();
    expect(await timesIn(preview)).toEqual([new Date(at).toISOString()]);
    expect(await preview.innerText()).toContain(`18:15 ${ZONE}`);
    await expectAccessible(page, 'the schedule form with a date');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Release day created.' }).waitFor();
    const created = (await schedules()).find((s) => s.description === 'Release day');
    expect(created).toMatchObject({ trigger: { type: 'date' }, nextRunTime: at });
    expect(await timesIn(row(page, 'Release day'))).toEqual([new Date(at).toISOString()]);
    await expectAccessible(page, 'a job with a cron and a date schedule');

    // The README's picture: both schedules and a preview being typed.
    await form.getByLabel('Description').fill('Monday report');
    await form.getByLabel('Cron expression (UTC)').fill('0 9 * * MON');
    await preview.getByText('Next 5 fire times').waitFor();
    await screenshot(page, 'console-schedules', { fullPage: true });
  });

  it('lists every schedule of the account on the Schedules page, the next to fire first', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Schedules', exact: true }).waitFor();
    await row(page, 'Release day').locator('time').waitFor();
    const listed = (await stack.admin.get('/v2/automation/schedules/DEMO')).body.results;
    expect(listed.map((s: any) => s.description)).toEqual(['Weekday deploy', 'Release day']);
    expect(listed.every((s: any) => s.jobDescription === 'Nightly deploy')).toBe(true);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(2);
    for (const [i, s] of listed.entries()) {
      expect(await rows.nth(i).innerText()).toContain(s.description);
      expect(await timesIn(rows.nth(i))).toEqual([new Date(s.nextRunTime).toISOString()]);
    }
    await expectAccessible(page, 'the account’s schedules');
    await row(page, 'Release day').getByRole('link', { name: 'Nightly deploy' }).click();
    await page.getByRole('heading', { name: 'Nightly deploy · schedules' }).waitFor();
  });

  it('deletes a schedule only once the confirm is accepted', async () => {
    const [weekday] = (await schedules()).filter((s) => s.description === 'Weekday deploy');
    confirmAnswer = false;
    await page.getByRole('button', { name: 'Delete schedule Weekday deploy' }).click();
    expect(confirms.at(-1)).toContain('Delete schedule Weekday deploy?');
    expect((await stack.admin.get(`${schedulesApi()}/${weekday.id}`)).status).toBe(200);
    confirmAnswer = true;
    await page.getByRole('button', { name: 'Delete schedule Weekday deploy' }).click();
    await page.getByRole('status').filter({ hasText: 'Weekday deploy deleted.' }).waitFor();
    expect(await row(page, 'Weekday deploy').count()).toBe(0);
    expect((await stack.admin.get(`${schedulesApi()}/${weekday.id}`)).status).toBe(404);
    expect((await schedules()).map((s) => s.description)).toEqual(['Release day']);
  });

  it('creates a schedule in another time zone: fire times shown there and in the browser’s, the first the API’s nextRunTime', async () => {
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Description').fill('Berlin report');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('UTC');
    await form.getByLabel('Cron expression (UTC)').fill('0 9 * * MON');
    // One click for the browser's own zone, offered by name; then none is needed (it is the zone).
    await form.getByRole('button', { name: `Use my time zone (${ZONE})` }).click();
    expect(await form.getByLabel('Time zone').inputValue()).toBe(ZONE);
    expect(await form.getByRole('button', { name: /^Use my time zone/ }).count()).toBe(0);

    // An unknown zone: the preview and the API refuse it in the same words, and nothing is stored.
    await form.getByLabel('Time zone').fill('Mars/Olympus');
    const problem = 'must be an IANA time zone name, such as "Europe/Berlin" or "UTC"';
    const preview = page.locator('#schedule-preview');
    await preview.getByText(`Time zone ${problem}`).waitFor();
    await expectAccessible(page, 'the schedule form with an unknown time zone');
    const before = (await schedules()).length;
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('alert').filter({ hasText: `timeZone: ${problem}` }).waitFor();
    expect(await schedules()).toHaveLength(before);

    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByLabel('Cron expression (Europe/Berlin)').waitFor();
    await preview.getByText('Next 5 fire times').waitFor();
    // Checked against the expression's meaning with the test's own clock arithmetic: Mondays at
    // 09:00 on Berlin's wall clock (08:00 UTC in winter, 07:00 in summer), each also shown in Tokyo.
    const previewed = await timesIn(preview);
    expect(previewed).toHaveLength(5);
    for (const iso of previewed) {
      expect(new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' })).toBe('Mon 09:00');
    }
    const text = await preview.innerText();
    expect(text).toMatch(/Mon \d{4}-\d{2}-\d{2} 09:00 Europe\/Berlin \(GMT\+[12]\)/);
    expect(text).toMatch(/Mon, \d{2}\/\d{2}\/\d{4}, 1[67]:00 Asia\/Tokyo/);
    await expectAccessible(page, 'the schedule form previewing fire times in Europe/Berlin');
    await screenshot(page, 'console-cron');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Berlin report created.' }).waitFor();

    const created = (await schedules()).find((s) => s.description === 'Berlin report');
    expect(created).toMatchObject({ timeZone: 'Europe/Berlin', trigger: { type: 'cron', expression: '0 9 * * MON' } });
    const listed = await timesIn(row(page, 'Berlin report'));
    expect(listed[0]).toBe(new Date(created.nextRunTime).toISOString());
    expect(listed).toEqual(previewed.slice(0, 3));
    await row(page, 'Berlin report').getByText('cron, Europe/Berlin').waitFor();

    // Disable and enable send the zone back with the rest; the edit form starts from it.
    await page.getByRole('button', { name: 'Disable schedule Berlin report' }).click();
    await row(page, 'Berlin report').getByText('none while disabled').waitFor();
    await page.getByRole('button', { name: 'Enable schedule Berlin report' }).click();
    await row(page, 'Berlin report').locator('time').first().waitFor();
    expect((await schedules()).find((s) => s.id === created.id)).toMatchObject({ timeZone: 'Europe/Berlin', enabled: true, nextRunTime: created.nextRunTime });
    await page.getByRole('button', { name: 'Edit schedule Berlin report' }).click();
    const edit = page.getByRole('form', { name: 'Edit schedule Berlin report' });
    expect(await edit.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await edit.getByLabel('Cron expression (Europe/Berlin)').inputValue()).toBe('0 9 * * MON');
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows a ServerOperator the schedules and service accounts with no control to change them', async () => {
    const watcher = await browser.context.newPage(); // a new tab: its own sessionStorage, so its own login
    try {
      await logIn(watcher, 'watcher', 'watcher-password-1');
      await watcher.getByRole('link', { name: 'Schedules of Nightly deploy' }).click();
      await row(watcher, 'Release day').locator('time').waitFor();
      expect(await watcher.getByRole('form').count()).toBe(0);
      expect(await watcher.locator('table button').count()).toBe(0);
      expect(await watcher.getByRole('button', { name: /Create|Disable|Enable|Edit|Delete/ }).count()).toBe(0);
      await expectAccessible(watcher, 'the schedules page of a ServerOperator');
      await watcher.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(watcher, 'the schedules page of a ServerOperator, dark');
      await watcher.emulateMedia({ colorScheme: 'light' });

      await watcher.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
      await row(watcher, 'Release day').locator('time').waitFor();
      expect(await watcher.locator('main button').count()).toBe(0);
      await expectAccessible(watcher, 'the account’s schedules for a ServerOperator');

      await watcher.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service accounts' }).click();
      await row(watcher, 'nightly').getByText('scheduler').waitFor();
      expect(await watcher.getByRole('form').count()).toBe(0);
      expect(await watcher.getByRole('button', { name: /Create|Save|Edit|Delete/ }).count()).toBe(0);
      await expectAccessible(watcher, 'the service accounts page of a ServerOperator');
    } finally {
      await watcher.close();
    }
  });

  it('shows the admin’s pages in the dark theme with the same contrast rules met', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await page.getByRole('form', { name: 'New schedule' }).getByLabel('Cron expression (UTC)').fill('bad');
      await page.locator('#schedule-preview').getByText('must have five fields').waitFor();
      await expectAccessible(page, 'the schedules page with a bad cron, dark');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service accounts' }).click();
      await row(page, 'nightly').waitFor();
      await expectAccessible(page, 'the service accounts page, dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
    // The refused API calls (the unknown user, the bad cron) are logged by the browser; those are expected.
    expect(consoleErrors.filter((text) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))).toEqual([]);
  });
});
