import { createHash, scryptSync } from 'node:crypto';
import { ApiClient } from '../support/http';
import { ADMIN_PASSWORD } from '../support/processes';
import { ApiStack, startApiStack } from '../support/stack';

const BAD_LOGIN = "We didn't recognize the username or password you entered. Please try again.";

describe('authentication', () => {
  let stack: ApiStack;
  let client: ApiClient;

  beforeAll(async () => {
    // No token cache here: expiry is simulated below by editing the token's row, which a cache that
    // honours the real expiry time cannot see (api-nodes.test.ts tests the cache and its invalidation).
    stack = await startApiStack({ RUNNER_LOGIN_MAX_FAILURES: '3', RUNNER_TOKEN_CACHE_SECONDS: '0' });
    client = stack.admin;
  });
  afterAll(() => stack?.stop());

  it('logs in the bootstrap admin with the fields of API.md', async () => {
    const body = await client.as().login('admin', ADMIN_PASSWORD);
    expect(body).toEqual({
      userName: 'admin',
      accountAlias: 'DEMO',
      locationAlias: expect.any(String),
      roles: ['AccountAdmin'],
      bearerToken: expect.stringMatching(/^rnr_/),
    });
    const [row] = await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth_tokens WHERE token_hash = $1`, [
      createHash('sha256').update(body.bearerToken).digest(),
    ]);
    expect(row.n).toBe(1);
    // Tokens are kept only as hashes: the plaintext is nowhere in the table.
    const dump = await stack.db.query<{ t: string }>(`SELECT encode(token_hash, 'escape') AS t FROM auth_tokens`);
    expect(JSON.stringify(dump)).not.toContain(body.bearerToken);
  });

  it('answers a wrong password and an unknown user with the same 400 message', async () => {
    const wrong = await client.as().post('/v2/authentication/login', { username: 'admin', password: 'nope-nope' });
    const unknown = await client.as().post('/v2/authentication/login', { username: 'ghost', password: 'nope-nope' });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.body).toEqual({ message: BAD_LOGIN });
    expect(unknown.body).toEqual({ message: BAD_LOGIN });
  });

  it('refuses a missing, garbage, expired or revoked token with 401', async () => {
    const jobs = '/v2/automation/jobs/DEMO';
    expect((await client.as().get(jobs)).status).toBe(401);
    expect((await client.as('rnr_garbage').get(jobs)).status).toBe(401);
    expect((await client.as('not-even-a-token').get(jobs)).status).toBe(401);

    const expiring = new ApiClient(stack.api.url);
    await expiring.login('admin', ADMIN_PASSWORD);
    expect((await expiring.get(jobs)).status).toBe(200);
    await stack.db.query(`UPDATE auth_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      createHash('sha256').update(expiring.token!).digest(),
    ]);
    expect((await expiring.get(jobs)).status).toBe(401);

    const revoked = new ApiClient(stack.api.url);
    await revoked.login('admin', ADMIN_PASSWORD);
    expect((await revoked.post('/v2/authentication/logout')).status).toBe(204);
    const after = await revoked.get(jobs);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/invalid, expired or revoked/);
  });

  it('rate-limits failed logins per user with 429 and Retry-After', async () => {
    const admin = new ApiClient(stack.api.url);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.post('/v2/users/DEMO', { username: 'limited', password: 'limited-pass-1', roles: ['AccountViewer'] });
    for (let i = 0; i < 3; i++) {
      expect((await client.as().post('/v2/authentication/login', { username: 'limited', password: 'wrong-pass' })).status).toBe(400);
    }
    const blocked = await client.as().post('/v2/authentication/login', { username: 'limited', password: 'limited-pass-1' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another user is not affected by this user's failures.
    expect((await client.as().post('/v2/authentication/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });

  it('counts attempts before checking them: concurrent wrong passwords get no more tries than the limit', async () => {
    const admin = new ApiClient(stack.api.url);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.post('/v2/users/DEMO', { username: 'raced', password: 'raced-pass-1', roles: ['AccountViewer'] });
    const from = { 'x-forwarded-for': '203.0.113.10' };
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => client.as().request('POST', '/v2/authentication/login', { username: 'raced', password: 'wrong-pass' }, from)),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 400)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });

  it('does not lock the owner out of an address that has not failed, and upgrades an old hash at login', async () => {
    const admin = new ApiClient(stack.api.url);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.post('/v2/users/DEMO', { username: 'owner', password: 'owner-pass-1', roles: ['AccountViewer'] });
    const attacker = { 'x-forwarded-for': '203.0.113.66' };
    for (let i = 0; i < 3; i++) {
      expect((await client.as().request('POST', '/v2/authentication/login', { username: 'owner', password: 'guess' }, attacker)).status).toBe(400);
    }
    expect((await client.as().request('POST', '/v2/authentication/login', { username: 'owner', password: 'owner-pass-1' }, attacker)).status).toBe(429);
    // A hash of the parameters before N=2^17, as older installs stored it.
    const salt = Buffer.alloc(16, 1);
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64'), scryptSync('owner-pass-1', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    await stack.db.query(`UPDATE users SET password_hash = $1 WHERE username = 'owner'`, [old]);
    const owner = await client.as().request('POST', '/v2/authentication/login', { username: 'owner', password: 'owner-pass-1' }, { 'x-forwarded-for': '198.51.100.7' });
    expect(owner.status).toBe(200);
    const [row] = await stack.db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'owner'`);
    expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await client.as().request('POST', '/v2/authentication/login', { username: 'owner', password: 'owner-pass-1' }, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(200);
  });

  it('rejects malformed login bodies with 4xx', async () => {
    expect((await client.as().post('/v2/authentication/login', { username: 'admin' })).status).toBe(400);
    expect((await client.as().post('/v2/authentication/login', '{bad json')).status).toBe(400);
    expect((await client.as().request('POST', '/v2/authentication/login', 'username=admin', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const extra = await client.as().post('/v2/authentication/login', { username: 'admin', password: ADMIN_PASSWORD, admin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ field: 'admin', message: 'is not a known field' }]);
  });

  it('never writes a password or token into its logs', async () => {
    const body = await client.as().login('admin', ADMIN_PASSWORD);
    await client.as(body.bearerToken).get('/v2/automation/jobs/DEMO');
    expect(stack.api.process.output()).not.toContain(ADMIN_PASSWORD);
    expect(stack.api.process.output()).not.toContain(body.bearerToken);
    expect(stack.api.process.output()).toMatch(/"msg":"request".*"requestId"/);
  });
});
