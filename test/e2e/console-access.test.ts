import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/axe';
import { launchBrowser, type Browser } from '../support/browser';
import { ApiClient } from '../support/http';
import { ADMIN_PASSWORD } from '../support/processes';
import { screenshot } from '../support/screenshots';
import { TestSmtpServer } from '../support/smtp-server';
import { Stack, startStack } from '../support/stack';

/**
 * The console's accounts and settings pages in a real browser against the real api: the account
 * tree, users and their roles, what a sub-account's user sees, the webhook secret and the account's
 * default notifications. Every state is checked with axe-core.
 */
describe('web console: accounts, users and settings', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const smtp = new TestSmtpServer();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  /** What the next confirm() is answered (see `confirming`). */
  let confirmAnswer = true;

  const watch = (tab: Page): void => {
    tab.on('dialog', (dialog) => {
      void (confirmAnswer ? dialog.accept() : dialog.dismiss());
    });
    tab.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    tab.on('pageerror', (error) => pageErrors.push(error.message));
  };

  const login = async (tab: Page, username: string, password: string): Promise<void> => {
    await tab.goto(`${stack.api.url}/accounts`);
    await tab.getByLabel('Username').fill(username);
    await tab.getByLabel('Password').fill(password);
    await tab.getByRole('button', { name: 'Log in' }).click();
    await tab.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
  };

  /** Runs `action`, answers the confirm() it opens with `answer`, and returns the confirm's text. */
  const confirming = async (answer: boolean, action: () => Promise<void>): Promise<string> => {
    confirmAnswer = answer;
    const [dialog] = await Promise.all([page.waitForEvent('dialog'), action()]);
    return dialog.message();
  };

  const nav = (tab: Page) => tab.getByRole('navigation', { name: 'Main' });
  const tree = (tab: Page) => tab.getByRole('navigation', { name: 'Account tree' });
  const usernames = async (alias: string): Promise<Record<string, string[]>> =>
    Object.fromEntries((await stack.admin.get(`/v2/users/${alias}`)).body.results.map((u: any) => [u.userName, u.roles]));

  beforeAll(async () => {
    await smtp.start();
    // The chat webhook of the notification defaults is on loopback here, so the api allows private addresses.
    const env = { RUNNER_SMTP_URL: smtp.url, RUNNER_SMTP_FROM: 'runner@runner.test', RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' };
    stack = await startStack(env, env);
    browser = await launchBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.api.url });
    page = await browser.context.newPage();
    watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await smtp.stop();
  });

  it('shows the logged-in account, its rights and the tree', async () => {
    await login(page, 'admin', ADMIN_PASSWORD);
    expect(await nav(page).getByRole('link').allInnerTexts()).toEqual(expect.arrayContaining(['Accounts', 'Settings']));
    await tree(page).getByRole('button', { name: /^DEMO/ }).waitFor();
    expect(await tree(page).getByRole('button', { name: /^DEMO/ }).getAttribute('aria-current')).toBe('true');
    await page.getByRole('region', { name: 'Your access' }).getByText(/AccountAdmin: everything/).waitFor();
    await page.getByRole('heading', { name: 'Users of DEMO' }).waitFor();
    await page.getByRole('cell', { name: 'admin (you)' }).waitFor();
    await expectAccessible(page, 'the accounts page');
  });

  it('creates sub-accounts in the tree, refusing a bad alias with the API’s message', async () => {
    await page.getByLabel('Alias').fill('team a');
    await page.getByLabel('Name', { exact: true }).fill('Team A');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'alias: must be 2-16 upper-case letters or digits' }).waitFor();
    await expectAccessible(page, 'the accounts page with a refused alias');

    await page.getByLabel('Alias').fill('TEAMA');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('status').filter({ hasText: 'Account TEAMA created below DEMO.' }).waitFor();
    // The new account is selected, and the next one goes below it.
    await page.getByRole('heading', { name: 'Users of TEAMA' }).waitFor();
    expect(await page.getByLabel('Below').inputValue()).toBe('TEAMA');
    await page.getByLabel('Alias').fill('TEAMA1');
    await page.getByLabel('Name', { exact: true }).fill('Team A, staging');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Users of TEAMA1' }).waitFor();
    // Nested as the API has them: TEAMA1's button sits in the list under TEAMA's.
    await tree(page).locator('li', { has: page.getByRole('button', { name: /^TEAMA Team A$/ }) }).getByRole('button', { name: /^TEAMA1/ }).waitFor();
    const links = (alias: string) => stack.admin.get(`/v2/accounts/${alias}`).then((r) => r.body.links.filter((l: any) => l.rel === 'subAccount').map((l: any) => l.id));
    expect(await links('DEMO')).toEqual(['TEAMA']);
    expect(await links('TEAMA')).toEqual(['TEAMA1']);
    await expectAccessible(page, 'the account tree with sub-accounts');
  });

  it('adds a ServerOperator to the sub-account; a weak password and an existing username are refused with the message', async () => {
    await tree(page).getByRole('button', { name: /^TEAMA Team A$/ }).click();
    await page.getByRole('heading', { name: 'Users of TEAMA' }).waitFor();
    await page.getByText('No users in TEAMA yet.').waitFor();
    const form = page.getByRole('form', { name: 'Add a user to TEAMA' });
    await form.getByLabel('Username').fill('team-operator');
    await form.getByLabel('Password').fill('short');
    await form.getByLabel('AccountViewer').uncheck();
    await form.getByLabel('ServerOperator').check();
    expect(await form.getByLabel('ServerOperator').getAttribute('aria-describedby')).toBeTruthy();
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('alert').filter({ hasText: 'password: must be longer than or equal to 8 characters' }).waitFor();
    await expectAccessible(page, 'the add-user form with a refused password');
    expect(await usernames('TEAMA')).toEqual({});

    await form.getByLabel('Username').fill('admin');
    await form.getByLabel('Password').fill('operator-password-1');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('alert').filter({ hasText: 'User admin already exists' }).waitFor();
    expect(await usernames('TEAMA')).toEqual({});

    await form.getByLabel('Username').fill('team-operator');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('status').filter({ hasText: 'User team-operator added to TEAMA.' }).waitFor();
    await page.getByRole('row', { name: /team-operator ServerOperator/ }).waitFor();
    expect(await usernames('TEAMA')).toEqual({ 'team-operator': ['ServerOperator'] });
    expect(await form.getByLabel('Password').inputValue()).toBe('');
    await expectAccessible(page, 'the users of a sub-account');
  });

  it('changes a user’s roles, and deletes a user only after a confirmation; never oneself', async () => {
    expect((await stack.admin.post('/v2/users/TEAMA', { username: 'team-temp', password: 'temp-password-1', roles: ['AccountViewer'] })).status).toBe(201);
    await tree(page).getByRole('button', { name: /^TEAMA1/ }).click();
    await tree(page).getByRole('button', { name: /^TEAMA Team A$/ }).click();
    await page.getByRole('row', { name: /team-temp/ }).waitFor();

    await page.getByRole('button', { name: 'Change roles of team-temp' }).click();
    const roles = page.getByRole('form', { name: 'Roles of team-temp' });
    expect(await roles.getByLabel('AccountViewer').isChecked()).toBe(true);
    await roles.getByLabel('AccountViewer').uncheck();
    await roles.getByLabel('ServerAdmin').check();
    await expectAccessible(page, 'the roles form');
    await roles.getByRole('button', { name: 'Save roles' }).click();
    await page.getByRole('status').filter({ hasText: 'Roles of team-temp saved.' }).waitFor();
    expect((await usernames('TEAMA'))['team-temp']).toEqual(['ServerAdmin']);

    expect(await confirming(false, () => page.getByRole('button', { name: 'Delete team-temp' }).click())).toMatch(/Delete user team-temp of TEAMA\?/);
    expect(Object.keys(await usernames('TEAMA'))).toContain('team-temp');
    await confirming(true, () => page.getByRole('button', { name: 'Delete team-temp' }).click());
    await page.getByRole('status').filter({ hasText: 'User team-temp deleted.' }).waitFor();
    expect(Object.keys(await usernames('TEAMA'))).toEqual(['team-operator']);

    // One's own row offers neither roles nor delete (the API refuses both: 409).
    await tree(page).getByRole('button', { name: /^DEMO/ }).click();
    await page.getByRole('cell', { name: 'admin (you)' }).waitFor();
    expect(await page.getByRole('button', { name: /of admin$|^Delete admin$/ }).count()).toBe(0);
  });

  it('shows the new user, in a new tab, their account and rights and nothing above it', async () => {
    const tab = await browser.context.newPage(); // its own sessionStorage, so its own login
    watch(tab);
    try {
      await login(tab, 'team-operator', 'operator-password-1');
      expect(await nav(tab).getByRole('link').allInnerTexts()).toEqual(['Activity', 'Jobs', 'Schedules', 'Key pairs', 'Servers', 'VPN', 'Service accounts', 'Accounts']);
      await tab.getByRole('region', { name: 'Your access' }).getByText('You are team-operator in account TEAMA').waitFor();
      await tab.getByRole('region', { name: 'Your access' }).getByText(/ServerOperator: a viewer who also starts, stops, kills and restarts runs/).waitFor();
      // Their subtree only: TEAMA (selected) and TEAMA1; no DEMO, no management.
      await tree(tab).getByRole('button', { name: /^TEAMA1/ }).waitFor();
      expect(await tree(tab).getByRole('button').allTextContents()).toEqual(['TEAMA Team A', 'TEAMA1 Team A, staging']);
      expect(await tab.getByRole('button', { name: 'Create account' }).count()).toBe(0);
      expect(await tab.getByRole('button', { name: 'Add user' }).count()).toBe(0);
      expect(await tab.getByText('Users and sub-accounts are managed by an AccountAdmin.').count()).toBe(1);
      await expectAccessible(tab, 'the accounts page of a ServerOperator');
      // The API refuses the parent to this user whatever the page shows.
      const token = await tab.evaluate(() => JSON.parse((globalThis as any).sessionStorage.getItem('runner.session')).token);
      const asOperator = new ApiClient(stack.api.url, token);
      expect((await asOperator.get('/v2/accounts/DEMO')).status).toBe(403);
      expect((await asOperator.get('/v2/accounts/TEAMA')).body.links.map((l: any) => l.rel)).not.toContain('parentAccount');
      // Settings typed in: the page says why, with none of its controls (the API would refuse them: 403).
      await tab.goto(`${stack.api.url}/settings`);
      await tab.getByText('An account’s settings are for its AccountAdmins; your roles are ServerOperator.').waitFor();
      expect(await tab.getByRole('button').allInnerTexts()).toEqual(['Log out']);
      expect((await asOperator.get('/v2/automation/webhooks/TEAMA/secret')).status).toBe(403);
      expect((await asOperator.put('/v2/accounts/TEAMA/notify', {})).status).toBe(403);
      await expectAccessible(tab, 'the settings page of a ServerOperator');
    } finally {
      await tab.close();
    }
  });

  it('keeps the webhook secret hidden until shown; copies it; rotates it after a warning', async () => {
    const secretPath = '/v2/automation/webhooks/DEMO/secret';
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings of DEMO' }).waitFor();
    await page.getByText('The secret is hidden.').waitFor();
    expect(await page.getByRole('textbox', { name: /^Signing secret/ }).count()).toBe(0);
    await expectAccessible(page, 'the settings page');

    await page.getByRole('button', { name: 'Show' }).click();
    // The page's GET made the secret (on first use); read it only after that.
    const shown = await page.getByRole('textbox', { name: /^Signing secret/ }).inputValue();
    const before = (await stack.admin.get(secretPath)).body.secret;
    expect(shown).toBe(before);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(before);
    await expectAccessible(page, 'the settings page with the secret shown');
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await page.getByRole('textbox', { name: /^Signing secret/ }).count()).toBe(0);

    const warning = await confirming(false, () => page.getByRole('button', { name: 'Rotate' }).click());
    expect(warning).toMatch(/every receiver that checks X-Runner-Signature must be updated/);
    expect((await stack.admin.get(secretPath)).body.secret).toBe(before);
    await confirming(true, () => page.getByRole('button', { name: 'Rotate' }).click());
    await page.getByRole('status').filter({ hasText: 'Rotated. Update every receiver' }).waitFor();
    const after = (await stack.admin.get(secretPath)).body.secret;
    expect(after).not.toBe(before);
    expect(await page.getByRole('textbox', { name: /^Signing secret/ }).inputValue()).toBe(after);
  });

  it('saves the default notifications and shows them after a reload, with the API’s validation messages', async () => {
    const notifyPath = '/v2/accounts/DEMO/notify';
    const chatUrl = 'http://127.0.0.1:9/hooks/T000/B000/secret-part';
    await page.getByText('Chat webhook not set.').waitFor();
    await page.getByLabel('E-mail recipients').fill('ops@runner.test, not-an-address');
    await page.getByLabel('E-mail on').selectOption('failure');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('alert').filter({ hasText: 'notify.email.to.1: must be a plain e-mail address' }).waitFor();
    await page.getByLabel('E-mail recipients').fill('ops@runner.test, oncall@runner.test');
    await page.getByLabel('Chat webhook URL').fill('not a url');
    await page.getByLabel('Chat on').selectOption('always');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('alert').filter({ hasText: 'must be an http(s) URL' }).waitFor();
    await expectAccessible(page, 'the notification defaults with a refused URL');
    expect((await stack.admin.get(notifyPath)).body).toEqual({});

    await page.getByLabel('Chat webhook URL').fill(chatUrl);
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification defaults saved.' }).waitFor();
    expect((await stack.admin.get(notifyPath)).body).toEqual({
      email: { to: ['ops@runner.test', 'oncall@runner.test'], on: 'failure' },
      chat: { url: '$encrypted$', on: 'always', origin: 'http://127.0.0.1:9' },
    });

    await page.reload();
    await page.getByText('Chat webhook set: messages go to http://127.0.0.1:9.').waitFor();
    expect(await page.getByLabel('E-mail recipients').inputValue()).toBe('ops@runner.test, oncall@runner.test');
    expect(await page.getByLabel('E-mail on').inputValue()).toBe('failure');
    expect(await page.getByLabel('Chat on').inputValue()).toBe('always');
    expect(await page.getByLabel('Chat webhook URL').inputValue()).toBe(''); // write-only
    expect(await page.content()).not.toContain('secret-part');

    // A change to e-mail alone keeps the stored chat URL; chat off removes it.
    await page.getByLabel('E-mail on').selectOption('always');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification defaults saved.' }).waitFor();
    expect((await stack.admin.get(notifyPath)).body.chat).toEqual({ url: '$encrypted$', on: 'always', origin: 'http://127.0.0.1:9' });
    expect((await stack.admin.get(notifyPath)).body.email.on).toBe('always');
    await page.getByLabel('Chat on').selectOption('');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByText('Chat webhook not set.').waitFor();
    expect((await stack.admin.get(notifyPath)).body).toEqual({ email: { to: ['ops@runner.test', 'oncall@runner.test'], on: 'always' } });

    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'the settings page, dark');
    await nav(page).getByRole('link', { name: 'Accounts', exact: true }).click();
    await tree(page).getByRole('button', { name: /^TEAMA Team A$/ }).click();
    await page.getByRole('row', { name: /team-operator/ }).waitFor();
    await expectAccessible(page, 'the accounts page, dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('fits a phone screen, and saves the accounts page screenshot', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => [(globalThis as any).document.documentElement.scrollWidth, (globalThis as any).innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('row', { name: /team-operator/ }).waitFor();
    await screenshot(page, 'console-accounts');
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
    // Refused API calls (the bad alias, the weak password, the settings a ServerOperator typed in) are logged by the browser; those are expected.
    expect(consoleErrors.filter((text) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))).toEqual([]);
  });
});
