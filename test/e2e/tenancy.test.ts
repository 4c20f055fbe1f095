import { ApiClient, TRIVIAL_PLAYBOOK } from '../support/http';
import { ApiStack, startApiStack } from '../support/stack';

/**
 * Tree used here:  DEMO ─┬─ ALPHA ── ALPHA1
 *                        └─ BETA
 */
describe('tenant isolation and roles', () => {
  let stack: ApiStack;
  let root: ApiClient;
  const clients: Record<string, ApiClient> = {};

  async function user(alias: string, username: string, role: string): Promise<ApiClient> {
    const created = await root.post(`/v2/users/${alias}`, { username, password: `${username}-password`, roles: [role] });
    expect(created.status).toBe(201);
    const client = new ApiClient(stack.api.url);
    await client.login(username, `${username}-password`);
    return client;
  }

  beforeAll(async () => {
    stack = await startApiStack();
    root = stack.admin;
    expect((await root.post('/v2/accounts/DEMO', { alias: 'ALPHA', name: 'Alpha' })).status).toBe(201);
    expect((await root.post('/v2/accounts/DEMO', { alias: 'BETA', name: 'Beta' })).status).toBe(201);
    clients.alphaAdmin = await user('ALPHA', 'alpha-admin', 'AccountAdmin');
    expect((await clients.alphaAdmin.post('/v2/accounts/ALPHA', { alias: 'ALPHA1', name: 'Alpha one' })).status).toBe(201);
    clients.alphaViewer = await user('ALPHA', 'alpha-viewer', 'AccountViewer');
    clients.alphaOperator = await user('ALPHA', 'alpha-operator', 'ServerOperator');
    clients.alphaServerAdmin = await user('ALPHA', 'alpha-serveradmin', 'ServerAdmin');
    clients.alpha1Admin = await user('ALPHA1', 'alpha1-admin', 'AccountAdmin');
  });
  afterAll(() => stack?.stop());

  /** Every operation of the OpenAPI document whose path names an account alias. */
  async function aliasRoutes(): Promise<{ method: string; path: string }[]> {
    const spec = (await root.as().get('/v2/openapi.json')).body;
    const routes: { method: string; path: string }[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(spec.paths)) {
      for (const method of Object.keys(operations)) routes.push({ method: method.toUpperCase(), path });
    }
    return routes.filter((r) => r.path.includes('{alias}'));
  }

  function fill(path: string, alias: string): string {
    return path.replace('{alias}', alias).replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
  }

  it('answers 403 on every alias route for a user of a sibling or parent account, and 401 without a token', async () => {
    const routes = await aliasRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const before = await stack.db.query(`SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM accounts) AS accounts`);
    for (const { method, path } of routes) {
      for (const alias of ['BETA', 'DEMO', 'NOSUCH']) {
        const reply = await clients.alphaAdmin.request(method, fill(path, alias), method === 'GET' ? undefined : {});
        expect({ route: `${method} ${path} as ALPHA on ${alias}`, status: reply.status }).toEqual({
          route: `${method} ${path} as ALPHA on ${alias}`,
          status: 403,
        });
      }
      const anonymous = await root.as().request(method, fill(path, 'ALPHA'), method === 'GET' ? undefined : {});
      expect({ route: `${method} ${path} anonymous`, status: anonymous.status }).toEqual({ route: `${method} ${path} anonymous`, status: 401 });
    }
    const after = await stack.db.query(`SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM accounts) AS accounts`);
    expect(after).toEqual(before);
  });

  it('lets a parent-account admin act in its sub-accounts, never a sub-account user in its parent', async () => {
    const job = { description: 'made by root', playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost' }] };
    expect((await root.post('/v2/automation/jobs/ALPHA1', job)).status).toBe(201);
    expect((await clients.alphaAdmin.post('/v2/automation/jobs/ALPHA1', job)).status).toBe(201);
    expect((await clients.alphaAdmin.get('/v2/automation/jobs/ALPHA1')).body.totalSize).toBe(2);
    expect((await clients.alpha1Admin.get('/v2/automation/jobs/ALPHA')).status).toBe(403);
    expect((await clients.alpha1Admin.post('/v2/automation/jobs/ALPHA', job)).status).toBe(403);
    expect((await clients.alpha1Admin.get('/v2/accounts/ALPHA')).status).toBe(403);
  });

  it('applies the role table: viewers read, server admins manage jobs, only account admins manage users', async () => {
    const job = { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost' }] };
    const denied = await clients.alphaViewer.post('/v2/automation/jobs/ALPHA', job);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/AccountViewer/);
    expect((await clients.alphaOperator.post('/v2/automation/jobs/ALPHA', job)).status).toBe(403);
    const created = await clients.alphaServerAdmin.post('/v2/automation/jobs/ALPHA', job);
    expect(created.status).toBe(201);
    expect((await clients.alphaViewer.get(`/v2/automation/jobs/ALPHA/${created.body.id}`)).status).toBe(200);
    expect((await clients.alphaViewer.delete(`/v2/automation/jobs/ALPHA/${created.body.id}`)).status).toBe(403);
    expect((await clients.alphaServerAdmin.get('/v2/users/ALPHA')).status).toBe(403);
    expect((await clients.alphaServerAdmin.post('/v2/accounts/ALPHA', { alias: 'NOPE', name: 'x' })).status).toBe(403);
    expect((await clients.alphaAdmin.get('/v2/users/ALPHA')).status).toBe(200);
  });

  it('shows only the links a caller may use', async () => {
    const job = (await clients.alphaServerAdmin.post('/v2/automation/jobs/ALPHA', { playbook: TRIVIAL_PLAYBOOK })).body;
    const asViewer = (await clients.alphaViewer.get(`/v2/automation/jobs/ALPHA/${job.id}`)).body;
    expect(asViewer.links.find((l: any) => l.rel === 'self').verbs).toBeUndefined();
    expect(job.links.find((l: any) => l.rel === 'self').verbs).toEqual(['GET', 'PUT', 'DELETE']);
    const account = (await clients.alphaViewer.get('/v2/accounts/ALPHA')).body;
    expect(account.links.map((l: any) => l.rel)).not.toContain('parentAccount');
    expect(account.links.map((l: any) => l.rel)).not.toContain('users');
    const asAdmin = (await root.get('/v2/accounts/ALPHA')).body;
    expect(asAdmin.links.map((l: any) => l.rel)).toEqual(expect.arrayContaining(['parentAccount', 'subAccount', 'users']));
  });

  it('manages users: duplicates conflict, bad roles are refused, delete works', async () => {
    const dup = await root.post('/v2/users/ALPHA', { username: 'alpha-viewer', password: 'whatever-1', roles: ['AccountViewer'] });
    expect(dup.status).toBe(409);
    const badRole = await root.post('/v2/users/ALPHA', { username: 'x1', password: 'whatever-1', roles: ['God'] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors[0].field).toBe('roles');
    const shortPw = await root.post('/v2/users/ALPHA', { username: 'x2', password: 'short', roles: ['AccountViewer'] });
    expect(shortPw.body.errors[0].field).toBe('password');
    expect((await root.post('/v2/users/ALPHA', { username: 'gone', password: 'gone-password', roles: ['AccountViewer'] })).status).toBe(201);
    expect((await root.delete('/v2/users/ALPHA/gone')).status).toBe(204);
    expect((await root.delete('/v2/users/ALPHA/gone')).status).toBe(404);
    expect((await root.as().post('/v2/authentication/login', { username: 'gone', password: 'gone-password' })).status).toBe(400);
    const dupAccount = await root.post('/v2/accounts/DEMO', { alias: 'BETA', name: 'again' });
    expect(dupAccount.status).toBe(409);
    expect((await root.post('/v2/accounts/DEMO', { alias: 'lower', name: 'x' })).body.errors[0].field).toBe('alias');
  });

  it('changes a user\'s roles: open sessions get them at once; never one\'s own, never above or beside', async () => {
    const roles = () => stack.db.query(`SELECT username, roles FROM users ORDER BY username`);
    const job = { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost' }] };
    expect((await root.post('/v2/users/ALPHA', { username: 'promoted', password: 'promoted-password', roles: ['AccountViewer'] })).status).toBe(201);
    const promoted = new ApiClient(stack.api.url);
    await promoted.login('promoted', 'promoted-password');
    expect((await promoted.post('/v2/automation/jobs/ALPHA', job)).status).toBe(403);

    // A round trip: the user as the list returned it, roles changed; the same token may now manage jobs.
    const listed = (await clients.alphaAdmin.get('/v2/users/ALPHA')).body.results.find((u: any) => u.userName === 'promoted');
    expect(listed.links.find((l: any) => l.rel === 'self').verbs).toEqual(['PUT', 'DELETE']);
    const changed = await clients.alphaAdmin.put('/v2/users/ALPHA/promoted', { ...listed, roles: ['ServerAdmin'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ userName: 'promoted', accountAlias: 'ALPHA', roles: ['ServerAdmin'] });
    expect((await promoted.post('/v2/automation/jobs/ALPHA', job)).status).toBe(201);
    expect((await clients.alphaAdmin.put('/v2/users/ALPHA/promoted', { roles: ['AccountViewer'] })).status).toBe(200);
    expect((await promoted.post('/v2/automation/jobs/ALPHA', job)).status).toBe(403);

    const before = await roles();
    const refused: [ApiClient, string, object, number, string?][] = [
      [clients.alphaAdmin, '/v2/users/ALPHA/alpha-admin', { roles: ['AccountViewer'] }, 409], // one's own
      [clients.alpha1Admin, '/v2/users/ALPHA/promoted', { roles: ['AccountAdmin'] }, 403], // the parent's users
      [clients.alpha1Admin, '/v2/users/DEMO/admin', { roles: ['AccountViewer'] }, 403], // the root's
      [clients.alphaAdmin, '/v2/users/BETA/beta-user', { roles: ['AccountAdmin'] }, 403], // a sibling's
      [clients.alphaAdmin, '/v2/users/ALPHA1/admin', { roles: ['AccountViewer'] }, 404], // a user of elsewhere through an alias one may use
      [clients.alphaAdmin, '/v2/users/ALPHA/nobody', { roles: ['AccountViewer'] }, 404],
      [clients.alphaServerAdmin, '/v2/users/ALPHA/promoted', { roles: ['ServerAdmin'] }, 403], // not an AccountAdmin
      [clients.alphaAdmin, '/v2/users/ALPHA/promoted', { roles: [] }, 400, 'roles'],
      [clients.alphaAdmin, '/v2/users/ALPHA/promoted', { roles: ['God'] }, 400, 'roles'],
      [clients.alphaAdmin, '/v2/users/ALPHA/promoted', { roles: ['AccountAdmin'], password: 'sneaky-password' }, 400, 'password'],
      [clients.alphaAdmin, '/v2/users/ALPHA/promoted', { ...listed, userName: 'alpha-viewer', roles: ['AccountAdmin'] }, 400, 'userName'],
      [clients.alphaAdmin, '/v2/users/ALPHA/promoted', { ...listed, accountAlias: 'ALPHA1', roles: ['AccountAdmin'] }, 400, 'accountAlias'],
    ];
    for (const [client, path, body, status, field] of refused) {
      const reply = await client.put(path, body);
      expect({ path, body, status: reply.status }).toEqual({ path, body, status });
      if (field) expect(reply.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect(await roles()).toEqual(before);
  });

  it('finds a service account\'s user in the account and its sub-accounts only, with one answer for elsewhere and nowhere', async () => {
    const create = (username: string) =>
      clients.alphaAdmin.post('/v2/automation/serviceAccounts/ALPHA', { alias: `sa-${username}`.slice(0, 30), username, password: 'any-password-1' });
    expect((await create('alpha-viewer')).status).toBe(201);
    expect((await create('alpha1-admin')).status).toBe(201);
    const above = await create('admin');
    const beside = await root.post('/v2/users/BETA', { username: 'beta-user', password: 'beta-password-1', roles: ['ServerOperator'] });
    expect(beside.status).toBe(201);
    const sibling = await create('beta-user');
    const nobody = await create('no-such-user');
    for (const [reply, username] of [[above, 'admin'], [sibling, 'beta-user'], [nobody, 'no-such-user']] as const) {
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ field: 'username', message: `no user ${username} in ALPHA or its sub-accounts` }]);
    }
  });

  it('lists an account\'s schedules account-wide to that account and those above it only, without its sub-accounts\' or anyone else\'s', async () => {
    const schedule = async (client: ApiClient, alias: string, description: string): Promise<any> => {
      const sa = await client.post(`/v2/automation/serviceAccounts/${alias}`, { alias: 'overview-sa', username: 'alpha1-admin', password: 'any-password-1' });
      expect(sa.status).toBe(201);
      const job = await client.post(`/v2/automation/jobs/${alias}`, { description: `${description} job`, playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost' }] });
      const created = await client.post(`/v2/automation/jobs/${alias}/${job.body.id}/schedules`, { description, serviceAccountAlias: 'overview-sa', trigger: { type: 'cron', expression: '0 3 * * *' } });
      expect(created.status).toBe(201);
      return created.body;
    };
    // In the OpenAPI document, so the 403 sweep above covers it too.
    expect(await aliasRoutes()).toContainEqual({ method: 'GET', path: '/v2/automation/schedules/{alias}' });
    const alpha = await schedule(clients.alphaAdmin, 'ALPHA', 'alpha nightly');
    const alpha1 = await schedule(clients.alpha1Admin, 'ALPHA1', 'alpha1 nightly');

    // ALPHA's own list: its schedule with its job's description, not its sub-account's.
    const mine = await clients.alphaViewer.get('/v2/automation/schedules/ALPHA');
    expect(mine.status).toBe(200);
    expect(mine.body.totalSize).toBe(1);
    expect(mine.body.results).toEqual([{ ...alpha, jobDescription: 'alpha nightly job' }]);
    // The parent account may look; the sub-account may not, and learns nothing of ALPHA's schedule.
    expect((await root.get('/v2/automation/schedules/ALPHA')).body.results.map((s: any) => s.id)).toEqual([alpha.id]);
    for (const reply of [await clients.alpha1Admin.get('/v2/automation/schedules/ALPHA'), await clients.alpha1Admin.get('/v2/automation/schedules/BETA')]) {
      expect(reply.status).toBe(403);
      expect(JSON.stringify(reply.body)).not.toMatch(/alpha nightly|overview-sa|0 3 \* \* \*/);
    }
    expect((await clients.alpha1Admin.get('/v2/automation/schedules/ALPHA1')).body.results.map((s: any) => s.id)).toEqual([alpha1.id]);
    expect((await root.get('/v2/automation/schedules/DEMO')).body.totalSize).toBe(0);
  });
});
