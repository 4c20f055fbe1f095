import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/axe';
import { launchBrowser, type Browser } from '../support/browser';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ApiClient } from '../support/http';
import { ADMIN_PASSWORD, ApiHandle, startApi } from '../support/processes';
import { screenshot } from '../support/screenshots';

/**
 * The Settings page's retention section (README "Retention") in a real browser against the real
 * api: what applies and where it comes from, a refused value with the API's message, a saved one.
 * No worker: the page only reads and sets the account's setting.
 */
describe('web console: retention of runs', () => {
  let db: TestDatabase;
  let api: ApiHandle;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const retentionPath = '/v2/accounts/DEMO/retention';

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(db.url, { RUNNER_RETENTION_DAYS: '60' });
    admin = new ApiClient(api.url);
    await admin.login('admin', ADMIN_PASSWORD);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await db?.drop();
  });

  const section = () => page.getByRole('form', { name: 'Retention of runs' });

  it('shows how long runs are kept and where that comes from', async () => {
    await page.goto(`${api.url}/settings`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Settings of DEMO' }).waitFor();
    await section().getByText('Finished runs of DEMO are deleted 60 days after they end (the service default).').waitFor();
    expect(await section().getByLabel('Days to keep finished runs').inputValue()).toBe('');
    await expectAccessible(page, 'the settings page with retention');
  });

  it('refuses a value the API refuses, with its message, and saves a valid one', async () => {
    const days = section().getByLabel('Days to keep finished runs');
    await days.fill('1.5');
    await section().getByRole('button', { name: 'Save retention' }).click();
    await page.getByRole('alert').filter({ hasText: 'retentionDays: must be a whole number of days' }).waitFor();
    await expectAccessible(page, 'the retention section with a refused value');
    expect((await admin.get(retentionPath)).body.retentionDays).toBeNull();

    await days.fill('0');
    await section().getByRole('button', { name: 'Save retention' }).click();
    await section().getByRole('status').filter({ hasText: 'Retention saved.' }).waitFor();
    await section().getByText('Finished runs of DEMO are kept forever (this account’s setting).').waitFor();
    expect((await admin.get(retentionPath)).body).toEqual({ retentionDays: 0, effectiveRetentionDays: 0, setBy: 'DEMO', serviceDefaultDays: 60 });

    await days.fill('14');
    await section().getByRole('button', { name: 'Save retention' }).click();
    await section().getByText('Finished runs of DEMO are deleted 14 days after they end (this account’s setting).').waitFor();
    await page.reload();
    await section().getByText('Finished runs of DEMO are deleted 14 days after they end (this account’s setting).').waitFor();
    expect(await section().getByLabel('Days to keep finished runs').inputValue()).toBe('14');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'the retention section, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await section().scrollIntoViewIfNeeded();
    await screenshot(page, 'console-retention');
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
    // The refused PUT is logged by the browser; that one is expected.
    expect(consoleErrors.filter((text) => !/^Failed to load resource: the server responded with a status of 400/.test(text))).toEqual([]);
  });
});
