import * as net from 'node:net';
import * as os from 'node:os';
// Straight from its file: @app/keys's index also loads the Ansible runner (ES modules Jest cannot load).
import { probeGateway } from '../../libs/keys/src/gateway-probe';
import { sealed } from '../../libs/keys/src/sealed-columns';
import { SecretBox } from '../../libs/keys/src/secret-box';
import { freePort } from '../support/free-port';
import { ApiClient, TRIVIAL_PLAYBOOK } from '../support/http';
import { TEST_ENCRYPTION_KEY } from '../support/processes';
import { generateKeyPair } from '../support/sshd';
import { createAndStart, Stack, startStack, waitForOperation, waitForStatus } from '../support/stack';
import { until } from '../support/webhook-servers';

/**
 * The service's own SSH connections (VPN `test`, the gateway check before a run, key deployment)
 * must not reach the machine it runs on: loopback, link-local, cloud metadata, or its own
 * interfaces' addresses. Every other e2e suite runs with RUNNER_PROBE_ALLOW_INTERNAL=true (their
 * sshd listens on loopback); this one turns it off, as a production install has it.
 *
 * Traffic stays on this machine: the only address anything could connect to here is a loopback
 * listener of this test, which counts every connection (the proof from outside that none was
 * made). Connections and servers that must exist before a probe are created with addresses no
 * probe ever contacts (a `.invalid` name, TEST-NET-2) and pointed at loopback in the database,
 * as rows written before this guard existed would be.
 */

/** A TCP listener on loopback that closes every connection at once and counts them. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A non-loopback address of this machine's own interfaces (the "own addresses" rule), if any. */
function ownAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
}

describe('probing from the service refuses internal addresses (RUNNER_PROBE_ALLOW_INTERNAL off)', () => {
  let stack: Stack;
  let client: ApiClient;
  let listener: Awaited<ReturnType<typeof countingListener>>;

  beforeAll(async () => {
    listener = await countingListener();
    const off = { RUNNER_PROBE_ALLOW_INTERNAL: 'false', RUNNER_POLL_INTERVAL_MS: '300' };
    stack = await startStack(off, off);
    client = stack.admin;
    expect((await client.post('/v2/automation/keypairs/DEMO/gw-key', {})).status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
    await listener?.close();
  });

  const accountId = async (): Promise<string> => (await stack.db.query<{ id: string }>(`SELECT id FROM accounts WHERE alias = 'DEMO'`))[0].id;

  // Networks may not overlap within an account: each connection gets a /24 of its own.
  let networks = 0;
  const connection = (name: string, host: string, port = listener.port) => ({
    name,
    networks: [`10.254.${networks++}.0/24`],
    gateway: { host, port, username: 'root', keyPairAlias: 'gw-key' },
  });

  it('refuses a VPN gateway on loopback, link-local, metadata or own addresses with 400 naming the field and the setting', async () => {
    const own = ownAddress();
    const hosts = ['127.0.0.1', '::1', '[::1]', '169.254.169.254', 'fd00:ec2::254', '::ffff:127.0.0.1', '0.0.0.0', 'localhost', ...(own ? [own] : [])];
    for (const [i, host] of hosts.entries()) {
      const reply = await client.post('/v2/automation/vpn/DEMO', connection(`refused-${i}`, host));
      expect({ host, status: reply.status }).toEqual({ host, status: 400 });
      expect(reply.body.errors[0].field).toBe('gateway.host');
      expect(reply.body.errors[0].message).toContain('RUNNER_PROBE_ALLOW_INTERNAL');
    }
    expect(
      (await client.post('/v2/automation/vpn/DEMO', connection('by-name', 'localhost'))).body.errors[0].message,
    ).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    // A private network is where tenants' gateways live: accepted (nothing is contacted on create).
    expect((await client.post('/v2/automation/vpn/DEMO', connection('private', '10.254.0.1'))).status).toBe(201);
    // PUT is checked the same way.
    const id = (await client.get('/v2/automation/vpn/DEMO')).body.results[0].id;
    const put = await client.put(`/v2/automation/vpn/DEMO/${id}`, connection('private', '127.0.0.2'));
    expect(put.status).toBe(400);
    expect(put.body.errors[0].field).toBe('gateway.host');
    expect((await client.delete(`/v2/automation/vpn/DEMO/${id}`)).status).toBe(204);
    expect((await client.get('/v2/automation/vpn/DEMO')).body.totalSize).toBe(0);
    expect(listener.connections()).toBe(0);
  });

  it('a stored gateway on loopback is refused by test and by the check before a run, and nothing connects', async () => {
    const created = await client.post('/v2/automation/vpn/DEMO', connection('stored', 'gateway.invalid'));
    expect(created.status).toBe(201);
    await stack.db.query(`UPDATE vpn_connections SET gateway_host = '127.0.0.1' WHERE id = $1`, [created.body.id]);

    const test = await client.post(`/v2/automation/vpn/DEMO/${created.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ status: 'down', latencyMs: null });
    expect(test.body.message).toMatch(/VPN gateway stored .* is down: 127\.0\.0\.1 is a loopback address/);

    const { path } = await createAndStart(client, 'DEMO', {
      description: 'through a loopback gateway',
      playbook: TRIVIAL_PLAYBOOK,
      hosts: [{ id: 'behind', hostVars: { ansible_host: '10.254.0.9', rnr_vpn: 'stored' } }],
    });
    const done = await waitForStatus(client, path);
    expect(done.status).toBe('INIT_FAILURE');
    expect(done.reason).toMatch(/VPN gateway stored .* is down: 127\.0\.0\.1 is a loopback address/);
    expect(listener.connections()).toBe(0);
  });

  it('refuses chat notification URLs on internal addresses, and a stored one on loopback is never called', async () => {
    // (RUNNER_WEBHOOK_ALLOW_PRIVATE is off here, as in production: chat URLs share the callbacks' guard.)
    for (const host of ['127.0.0.1', '[::1]', '169.254.169.254', '[fd00:ec2::254]', 'localhost', '0.0.0.0']) {
      const url = `http://${host}:${listener.port}/services/T0/B0/x`;
      const job = await client.post('/v2/automation/jobs/DEMO', { playbook: TRIVIAL_PLAYBOOK, notify: { chat: { url, on: 'always' } } });
      expect({ host, status: job.status, field: job.body.errors?.[0].field }).toEqual({ host, status: 400, field: 'notify.chat.url' });
      expect(job.body.message).toContain('RUNNER_WEBHOOK_ALLOW_PRIVATE');
      const fallback = await client.put('/v2/accounts/DEMO/notify', { chat: { url, on: 'always' } });
      expect({ host, status: fallback.status }).toEqual({ host, status: 400 });
    }
    expect((await client.get('/v2/accounts/DEMO/notify')).body).toEqual({});

    // A URL stored with a name that resolves nowhere, then pointed at loopback in the database (as a
    // name that later resolves inward would be): the delivery checks again when it connects.
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      playbook: TRIVIAL_PLAYBOOK,
      hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } }],
      notify: { chat: { url: 'http://chat.invalid/services/T0/B0/x', on: 'always' } },
    });
    const box = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));
    await stack.db.query(
      `UPDATE jobs SET sealed_secrets = $2, definition = jsonb_set(definition, '{notify,chat,origin}', to_jsonb($3::text)) WHERE id = $1`,
      [job.id, box.sealJson({ chatUrl: `http://127.0.0.1:${listener.port}/services/T0/B0/x` }, sealed.job({ id: job.id, accountId: await accountId() })), `http://127.0.0.1:${listener.port}`],
    );
    await waitForStatus(client, path);
    const refusal = async (): Promise<string | null> =>
      (await stack.db.query<{ last_error: string | null }>(`SELECT last_error FROM webhook_deliveries WHERE execution_id = $1 AND kind = 'chat'`, [execution.execution_id]))[0]?.last_error ?? null;
    await until(async () => (await refusal()) !== null, 60_000, 'a delivery attempt');
    expect(await refusal()).toMatch(/127\.0\.0\.1 is .*loopback/);
    expect(listener.connections()).toBe(0);
  });

  it('refuses a server on loopback or link-local with 400 naming ipAddress and the setting', async () => {
    const refused = await client.post('/v2/servers/DEMO', { name: 'local', ipAddress: '127.0.0.1', port: listener.port, password: 'boot-password' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('ipAddress');
    expect(refused.body.errors[0].message).toContain('RUNNER_PROBE_ALLOW_INTERNAL');

    expect((await client.post('/v2/servers/DEMO', { name: 'web', ipAddress: '198.51.100.7', port: listener.port, password: 'boot-password' })).status).toBe(201);
    const patched = await client.request('PATCH', '/v2/servers/DEMO/web', [{ op: 'set', member: 'ipAddress', value: '169.254.169.254' }]);
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].field).toBe('ipAddress');
  });

  it('a stored server on loopback fails its key deployment without connecting', async () => {
    expect((await client.post('/v2/servers/DEMO', { name: 'stored', ipAddress: '198.51.100.8', port: listener.port, password: 'boot-password' })).status).toBe(201);
    await stack.db.query(`UPDATE servers SET ip_address = '127.0.0.1' WHERE name = 'stored'`);
    const deploy = await client.post('/v2/automation/keypairs/DEMO/gw-key/stored', { usernames: ['root'] });
    expect(deploy.status).toBe(202);
    const done = await waitForOperation(client, deploy.body.links[0].href);
    expect(done.status).toBe('failed');
    expect(done.message).toMatch(/cannot log in to stored as root: 127\.0\.0\.1 is a loopback address.*RUNNER_PROBE_ALLOW_INTERNAL/);
    expect(listener.connections()).toBe(0);
  });

  it('answers a closed port and one that never answers with the same message', async () => {
    // With the guard off (both targets are on loopback): the message must not tell them apart.
    const closedPort = await freePort();
    let held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const target = { name: 'gw', host: '127.0.0.1', username: 'root', privateKey: generateKeyPair().privateKey, allowInternal: true };
      const closed = await probeGateway({ ...target, port: closedPort }, [], 2000);
      const filtered = await probeGateway({ ...target, port: (silent.address() as net.AddressInfo).port }, [], 2000);
      expect(closed.status).toBe('down');
      expect(filtered.status).toBe('down');
      const withoutPort = (message: string) => message.replace(/:\d+\)/, ':PORT)');
      expect(withoutPort(closed.message)).toBe(withoutPort(filtered.message));
      expect(closed.message).toMatch(/did not accept an SSH connection$/);
    } finally {
      held.forEach((s) => s.destroy());
      held = [];
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
