import { ApiClient } from '../support/http';
import { ApiStack, startApiStack } from '../support/stack';

/**
 * Every operation of the OpenAPI document, called as an attacker would: hostile path parameters
 * (NUL, broken percent-encoding, huge, traversal, SQL) and hostile bodies (5,000 levels deep, NUL and
 * lone surrogates, unknown fields, wrong types, close to the size limit). Nothing may answer 5xx, and
 * the data must be as it was.
 */
const HOSTILE_PARAMS = ['%00', 'a%00b', 'x'.repeat(3000), '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', "'%20OR%201=1%20--", '%F0%9F%98%80'];
const DEEP = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
const HOSTILE_BODIES: string[] = [
  DEEP,
  '[' .repeat(5000) + ']'.repeat(5000),
  JSON.stringify({ description: 'a\u0000b', name: 'n\u0000', alias: 'A\u0000', username: 'u\u0000', password: 'p\u0000assword' }),
  '{"description":"\\ud800","name":"\\udc00x"}',
  JSON.stringify({ zzUnknown: true, constructor: { prototype: { polluted: 1 } } }),
  '{"__proto__":{"polluted":1}}',
  JSON.stringify({ hosts: 'x', playbook: 5, name: [], alias: {}, roles: 'AccountAdmin', trigger: 7, networks: {}, usernames: 'root' }),
  JSON.stringify({ description: 'x'.repeat(1_000_000) }),
  '[1,2,3]',
  '{"a":',
];

/** Tables whose rows a hostile call must not change (tokens and login counters move with logins). */
const WATCHED = ['accounts', 'users', 'jobs', 'executions', 'servers', 'keypairs', 'schedules', 'service_accounts', 'vpn_connections', 'status_records', 'operations'];

describe('hostile input on every operation of the OpenAPI document', () => {
  let stack: ApiStack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await startApiStack();
    client = stack.admin;
  });
  afterAll(() => stack?.stop());

  async function snapshot(): Promise<Record<string, string>> {
    const tables = (await stack.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).map((t) => t.table_name);
    const result: Record<string, string> = {};
    for (const table of WATCHED.filter((t) => tables.includes(t))) {
      // Less the webhook secret, which its bodiless POST rotates whatever body it carries.
      const row = table === 'accounts' ? `(to_jsonb(t) - 'sealed_webhook_secret')::text` : 't::text';
      result[table] = (await stack.db.query<{ digest: string }>(`SELECT md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) AS digest FROM "${table}" t`))[0].digest;
    }
    return result;
  }

  it('never answers 5xx and changes nothing', async () => {
    const spec = (await client.get('/v2/openapi.json')).body;
    const operations: { method: string; path: string; takesBody: boolean }[] = [];
    for (const [path, methods] of Object.entries<Record<string, { requestBody?: unknown }>>(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        // Logout would end this test's own session; login is the one route without a token.
        if (path === '/v2/authentication/logout') continue;
        operations.push({ method: method.toUpperCase(), path, takesBody: operation.requestBody !== undefined });
      }
    }
    expect(operations.length).toBeGreaterThanOrEqual(50);
    const before = await snapshot();
    const fill = (path: string, hostile?: { param: string; value: string }): string =>
      path.replace(/\{([^}]+)\}/g, (_, name: string) =>
        hostile && (hostile.param === name || hostile.param === '*') ? hostile.value : name === 'alias' ? 'DEMO' : '00000000-0000-4000-8000-000000000000',
      );

    const failures: string[] = [];
    let calls = 0;
    for (const { method, path, takesBody } of operations) {
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const targets = params.length ? params.flatMap((param) => HOSTILE_PARAMS.map((value) => fill(path, { param, value }))) : [path];
      for (const target of targets) {
        calls++;
        const reply = await client.request(method, target);
        if (reply.status >= 500) failures.push(`${method} ${target.slice(0, 120)} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      }
      if (!['POST', 'PUT', 'PATCH'].includes(method)) continue;
      for (const body of HOSTILE_BODIES) {
        calls++;
        const reply = await client.request(method, fill(path), body, { 'content-type': 'application/json' });
        if (reply.status >= 500) failures.push(`${method} ${path} body ${body.slice(0, 40)}… → ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
        // An operation without a body (a key rotation, say) ignores one; any other must refuse it.
        else if (reply.status < 400 && takesBody) failures.push(`${method} ${path} body ${body.slice(0, 40)}… → accepted with ${reply.status}`);
      }
    }
    expect(calls).toBeGreaterThan(500);
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // The api is still up and the session still works.
    expect((await client.get('/v2/automation/jobs/DEMO')).status).toBe(200);
  });

  it('names the field of a NUL and of a body nested too deep', async () => {
    const nul = await client.post('/v2/automation/jobs/DEMO', { description: 'a\u0000b' });
    expect(nul).toMatchObject({ status: 400, body: { errors: [{ field: 'description', message: 'must not contain NUL or invalid Unicode' }] } });
    const deep = await client.request('POST', '/v2/automation/jobs/DEMO', DEEP, { 'content-type': 'application/json' });
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].message).toBe('nests deeper than 32 levels');
    const path = await client.get('/v2/automation/jobs/DEMO/a%00b');
    expect(path).toMatchObject({ status: 400, body: { errors: [{ field: 'path' }] } });
  });

  it('keeps answers out of caches: no-store and nosniff, a generated private key included; the job list revalidates by ETag', async () => {
    const key = await client.post('/v2/automation/keypairs/DEMO/cache-check', {});
    expect(key.status).toBe(201);
    expect(key.body.privateKey).toContain('PRIVATE KEY');
    expect(key.headers.get('cache-control')).toBe('no-store');
    expect(key.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await client.get('/v2/automation/webhooks/DEMO/secret')).headers.get('cache-control')).toBe('no-store');
    const list = await client.get('/v2/automation/jobs/DEMO');
    expect(list.headers.get('cache-control')).toBe('private, no-cache');
    expect(list.headers.get('etag')).toBeTruthy();
    expect((await client.delete('/v2/automation/keypairs/DEMO/cache-check')).status).toBe(204);
  });
});
