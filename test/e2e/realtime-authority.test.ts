import { createHash } from 'node:crypto';
import { ApiClient, TRIVIAL_PLAYBOOK } from '../support/http';
import { ApiHandle, startApi } from '../support/processes';
import { ended, RecordClient } from '../support/socket';
import { createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
/** The one cross-origin page node A lets in (RUNNER_ALLOWED_ORIGINS). */
const ALLOWED = 'https://console.example.com';
const FOREIGN = 'http://evil.example';
const PASSWORD = 'viewer-password';

/**
 * A live subscription lasts only as long as the authority it was granted under (the tenant-boundary
 * issue): the client is told why and disconnected when its token is revoked, expires, or its user is
 * deleted or loses the role; and socket.io takes browser handshakes only from allowed origins.
 */
describe('live sockets and their authority', () => {
  let stack: Stack;
  /**
   * A second api node on the same database that re-checks its sockets only every 10 minutes: a socket
   * there ends within a test only through a notification from node A (revoke, delete) or its expiry.
   */
  let nodeB: ApiHandle;
  let executionId: string;
  const sockets: RecordClient[] = [];
  let users = 0;

  beforeAll(async () => {
    stack = await startStack({}, { RUNNER_ALLOWED_ORIGINS: ALLOWED });
    nodeB = await startApi(stack.db.url, { RUNNER_TOKEN_CACHE_SECONDS: '600' });
    const run = await createAndStart(stack.admin, 'DEMO', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    await waitForStatus(stack.admin, run.path);
    executionId = run.execution.execution_id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await nodeB?.stop();
    await stack?.stop();
  });

  /** A new AccountViewer of DEMO, logged in through node A. */
  async function viewer(): Promise<{ name: string; client: ApiClient }> {
    const name = `viewer-${++users}`;
    expect((await stack.admin.post('/v2/users/DEMO', { username: name, password: PASSWORD, roles: ['AccountViewer'] })).status).toBe(201);
    const client = new ApiClient(stack.api.url);
    await client.login(name, PASSWORD);
    return { name, client };
  }

  function client(url: string, token: string, headers?: Record<string, string>): RecordClient {
    const s = new RecordClient(url, token, headers ? { extraHeaders: headers } : {});
    sockets.push(s);
    return s;
  }

  /** A socket on `url` subscribed to the run's status, its stored records replayed (the subscription is live). */
  async function subscribed(url: string, token: string): Promise<RecordClient> {
    const s = client(url, token);
    await s.connect();
    expect(await s.subscribe({ accountAlias: 'DEMO', executionId })).toEqual({ ok: true });
    await s.waitFor(ended);
    return s;
  }

  /** Told why, then disconnected by the server ("io server disconnect": the client does not retry by itself). */
  async function expectEnded(s: RecordClient, why: RegExp): Promise<void> {
    expect(await s.waitForDisconnect()).toBe('io server disconnect');
    expect(s.told).toEqual([{ message: expect.stringMatching(why) }]);
  }

  describe('a subscription ends, saying why, when', () => {
    it('its token is revoked by logout, on another node than the socket', async () => {
      const { client: user } = await viewer();
      const bystander = await subscribed(nodeB.url, stack.admin.token!);
      const s = await subscribed(nodeB.url, user.token!);
      expect((await user.post('/v2/authentication/logout')).status).toBe(204);
      await expectEnded(s, /token revoked/);
      // Only that token's socket: another user's on the same node goes on.
      expect(bystander.socket.connected).toBe(true);
      expect(bystander.told).toEqual([]);
      await expect(client(nodeB.url, user.token!).connect()).rejects.toThrow(/unauthorized/);
    });

    it('its user is deleted by an admin, on another node than the socket', async () => {
      const { name, client: user } = await viewer();
      const s = await subscribed(nodeB.url, user.token!);
      expect((await stack.admin.delete(`/v2/users/DEMO/${name}`)).status).toBe(204);
      await expectEnded(s, /user deleted/);
    });

    it('its user loses the role that allowed it (no endpoint changes roles: an operator in the database)', async () => {
      const { name, client: user } = await viewer();
      const s = await subscribed(stack.api.url, user.token!);
      await stack.db.query(`UPDATE users SET roles = '{}' WHERE username = $1`, [name]);
      await expectEnded(s, /role no longer allows this subscription/);
    });

    it('its token expires', async () => {
      const { client: user } = await viewer();
      // RUNNER_TOKEN_TTL_HOURS is an hour at least: shorten this one token's life instead.
      await stack.db.query(`UPDATE auth_tokens SET expires_at = now() + interval '10 seconds' WHERE token_hash = $1`, [
        createHash('sha256').update(user.token!).digest(),
      ]);
      // On node B, whose sweep is 10 minutes away: only the expiry itself can end it in time.
      const s = await subscribed(nodeB.url, user.token!);
      await expectEnded(s, /token expired/);
    });
  });

  describe('socket.io origins', () => {
    const handshake = (url: string, origin?: string): Promise<Response> =>
      fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { Origin: origin } : {} });

    it('refuses a handshake from a foreign Origin, over WebSocket and over polling', async () => {
      await expect(client(stack.api.url, stack.admin.token!, { Origin: FOREIGN }).connect()).rejects.toThrow();
      const polling = await handshake(stack.api.url, FOREIGN);
      expect(polling.status).toBe(403);
      expect(polling.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('accepts the configured origin, the API’s own origin, and programs that send no Origin', async () => {
      for (const headers of [{ Origin: ALLOWED }, { Origin: stack.api.url }, undefined]) {
        const s = client(stack.api.url, stack.admin.token!, headers);
        await s.connect();
        expect(await s.subscribe({ accountAlias: 'DEMO', executionId })).toEqual({ ok: true });
      }
      const allowed = await handshake(stack.api.url, ALLOWED);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect((await handshake(stack.api.url)).status).toBe(200);
    });

    it('without RUNNER_ALLOWED_ORIGINS takes browsers from the API’s own origin only', async () => {
      await expect(client(nodeB.url, stack.admin.token!, { Origin: ALLOWED }).connect()).rejects.toThrow();
      expect((await handshake(nodeB.url, ALLOWED)).status).toBe(403);
      await client(nodeB.url, stack.admin.token!, { Origin: nodeB.url }).connect();
    });
  });
});
