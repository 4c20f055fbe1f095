import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient, b64 } from '../support/http';
import { startSshd, TestSshd } from '../support/sshd';
import { createAndStart, Stack, startStack, waitForOperation, waitForStatus } from '../support/stack';
import { UnixUsers } from '../support/unix-users';

const BOOT_PASSWORD = 'boot-Pa55word!';

/** `ssh -i key user@127.0.0.1 true` with a throwaway known_hosts: true when the login works. */
function canLogin(privateKey: string, user: string, port: number): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-login-'));
  try {
    const key = path.join(dir, 'id');
    fs.writeFileSync(key, privateKey, { mode: 0o600 });
    const result = spawnSync('ssh', ['-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${dir}/kh`, '-p', String(port), `${user}@127.0.0.1`, 'true'], {
      env: { PATH: process.env.PATH, HOME: dir },
      timeout: 20_000,
    });
    return result.status === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('key pairs and servers', () => {
  let stack: Stack;
  let client: ApiClient;
  let sshd: TestSshd;
  let users: UnixUsers;
  let boot: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    users = new UnixUsers();
    boot = users.create({ password: BOOT_PASSWORD, sudo: true });
    alice = users.create();
    bob = users.create();
    sshd = await startSshd({ passwordAuth: true });
    stack = await startStack({ RUNNER_POLL_INTERVAL_MS: '300' });
    client = stack.admin;
  });
  afterAll(async () => {
    await stack?.stop();
    await sshd?.stop();
    users?.removeAll();
  });

  it('registers servers, keeps the password secret, and patches them', async () => {
    const created = await client.post('/v2/servers/DEMO', { name: 'web', ipAddress: '127.0.0.1', port: sshd.port, username: boot, password: BOOT_PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'web', group: 'Default Group', username: boot, hasPassword: true, port: sshd.port });
    expect(JSON.stringify(created.body)).not.toContain(BOOT_PASSWORD);
    expect((await client.post('/v2/servers/DEMO', { name: 'web', ipAddress: '127.0.0.1' })).status).toBe(409);
    const patched = await client.request('PATCH', '/v2/servers/DEMO/web', [{ op: 'set', member: 'description', value: 'the web box' }]);
    expect(patched.status).toBe(200);
    expect(patched.body.description).toBe('the web box');
    const badPatch = await client.request('PATCH', '/v2/servers/DEMO/web', [{ op: 'set', member: 'port', value: 70000 }]);
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.message).toMatch(/^port/);
    expect((await client.request('PATCH', '/v2/servers/DEMO/web', [{ op: 'set', member: 'name', value: 'x' }])).status).toBe(400);
    expect((await client.get('/v2/servers/DEMO/web')).body.port).toBe(sshd.port);
    expect((await client.get('/v2/servers/DEMO')).body).toMatchObject({ totalSize: 1, page: 0 });
    expect((await client.post('/v2/servers/DEMO', { name: 'bad name', ipAddress: '127.0.0.1' })).status).toBe(400);
    expect((await client.post('/v2/servers/DEMO', { name: 'x', ipAddress: 'not-an-ip' })).body.errors[0].field).toBe('ipAddress');
  });

  it('generates a key whose fingerprint and public key match ssh-keygen, deploys it with the bootstrap password, once, and undeploys it', async () => {
    const created = await client.post('/v2/automation/keypairs/DEMO/deploy-key', { deployToServers: [{ serverId: 'web', usernames: [alice, bob] }] });
    expect(created.status).toBe(201);
    const { privateKey, publicKey, fingerprint } = created.body;
    expect(privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-kp-'));
    try {
      fs.writeFileSync(path.join(dir, 'id'), privateKey, { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'id.pub'), publicKey + '\n');
      expect(execFileSync('ssh-keygen', ['-lf', path.join(dir, 'id.pub')]).toString().split(' ')[1]).toBe(fingerprint);
      const derived = execFileSync('ssh-keygen', ['-y', '-f', path.join(dir, 'id')]).toString().trim().split(' ').slice(0, 2).join(' ');
      expect(publicKey.split(' ').slice(0, 2).join(' ')).toBe(derived);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect((await client.get('/v2/automation/keypairs/DEMO/deploy-key')).body.privateKey).toBeUndefined();

    const first = await waitForOperation(client, created.body.deployedServers[0].operation);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(canLogin(privateKey, alice, sshd.port)).toBe(true);
    expect(canLogin(privateKey, bob, sshd.port)).toBe(true);
    const mode = fs.statSync(path.join(users.base, alice, '.ssh', 'authorized_keys')).mode & 0o777;
    expect(mode).toBe(0o600);
    expect((fs.statSync(path.join(users.base, alice, '.ssh')).mode & 0o777)).toBe(0o700);
    expect((await client.get(`/v2/automation/keypairs/DEMO/deploy-key/web`)).body.usernames.sort()).toEqual([alice, bob].sort());

    const again = await client.post(`/v2/automation/keypairs/DEMO/deploy-key/web`, { usernames: [alice] });
    expect(again.status).toBe(202);
    expect((await waitForOperation(client, again.body.links[0].href)).status).toBe('succeeded');
    const line = publicKey.split(' ').slice(0, 2).join(' ');
    expect(users.authorizedKeys(alice).split('\n').filter((l) => l.includes(line))).toHaveLength(1);

    const removed = await client.request('DELETE', `/v2/automation/keypairs/DEMO/deploy-key/web`, { usernames: [alice] });
    expect(removed.status).toBe(202);
    expect((await waitForOperation(client, removed.body.links[0].href)).status).toBe('succeeded');
    expect(users.authorizedKeys(alice)).not.toContain(line);
    expect(canLogin(privateKey, alice, sshd.port)).toBe(false);
    expect(canLogin(privateKey, bob, sshd.port)).toBe(true);

    const dump = JSON.stringify(await stack.db.query(`SELECT * FROM keypairs`)) + JSON.stringify(await stack.db.query(`SELECT * FROM servers`));
    expect(dump).not.toContain(privateKey.split('\n')[1]);
    expect(dump).not.toContain(BOOT_PASSWORD);
  });

  it('deploys a key for the login user itself with its own password, without sudo, and shows the deployment', async () => {
    const carolPassword = 'carol-Pa55word!';
    const carol = users.create({ password: carolPassword });
    expect((await client.post('/v2/servers/DEMO', { name: 'carol-box', ipAddress: '127.0.0.1', port: sshd.port, username: carol, password: carolPassword })).status).toBe(201);
    const created = await client.post('/v2/automation/keypairs/DEMO/carol-key', { deployToServers: [{ serverId: 'carol-box', usernames: [carol] }] });
    expect(created.status).toBe(201);
    const [queued] = created.body.deployedServers;
    expect(queued).toMatchObject({ serverId: 'carol-box', usernames: [carol], links: [{ rel: 'status', href: queued.operation }] });
    const done = await waitForOperation(client, queued.links[0].href);
    expect(done).toMatchObject({ status: 'succeeded' });
    expect(canLogin(created.body.privateKey, carol, sshd.port)).toBe(true);
    expect((await client.get('/v2/automation/keypairs/DEMO/carol-key')).body.deployedServers).toEqual([{ serverId: 'carol-box', usernames: [carol] }]);
    const listed = (await client.get('/v2/automation/keypairs/DEMO')).body.find((k: any) => k.alias === 'carol-key');
    expect(listed.deployedServers).toEqual([{ serverId: 'carol-box', usernames: [carol] }]);
    // GET → PUT keeps the private key jobs use (it is write-only); another alias in the body is a 400.
    const got = (await client.get('/v2/automation/keypairs/DEMO/carol-key')).body;
    expect((await client.put('/v2/automation/keypairs/DEMO/carol-key', got)).status).toBe(200);
    const [stored] = await stack.db.query<{ kept: boolean }>(`SELECT sealed_private_key IS NOT NULL AS kept FROM keypairs WHERE alias = 'carol-key'`);
    expect(stored.kept).toBe(true);
    expect((await client.put('/v2/automation/keypairs/DEMO/carol-key', { ...got, alias: 'other' })).status).toBe(400);

    // Another user's key needs sudo, which carol does not have: the reason says so.
    const other = await client.post('/v2/automation/keypairs/DEMO/carol-key/carol-box', { usernames: [alice] });
    const refused = await waitForOperation(client, other.body.links[0].href);
    expect(refused).toMatchObject({ status: 'failed', message: expect.stringMatching(new RegExp(`${carol} may not use sudo without a password`)) });
  });

  it('refuses a server whose host key changed, naming it', async () => {
    await sshd.rotateHostKey();
    const reply = await client.post(`/v2/automation/keypairs/DEMO/deploy-key/web`, { usernames: [bob] });
    const done = await waitForOperation(client, reply.body.links[0].href);
    expect(done.status).toBe('failed');
    expect(done.message).toMatch(/host key of server web changed/);
  });

  it('refuses bad input with clear 4xx answers', async () => {
    expect((await client.post('/v2/automation/keypairs/DEMO/deploy-key', {})).status).toBe(409);
    expect((await client.post('/v2/automation/keypairs/DEMO/bad alias!', {})).status).toBe(400);
    const bits = await client.post('/v2/automation/keypairs/DEMO/rsa-small', { type: 'rsa', bits: 2048 });
    expect(bits.status).toBe(400);
    expect(bits.body.errors[0].field).toBe('bits');
    expect((await client.post('/v2/automation/keypairs/DEMO/ed-bits', { bits: 4096 })).status).toBe(400);
    expect((await client.post('/v2/automation/keypairs/DEMO/deploy-key/nosuch', { usernames: ['root'] })).status).toBe(404);
    expect((await client.post('/v2/automation/keypairs/DEMO/deploy-key/web', { usernames: ['bad user;rm'] })).status).toBe(400);
    expect((await client.post('/v2/automation/keypairs/NOSUCH/k1', {})).status).toBe(403);
    expect((await client.put('/v2/automation/keypairs/DEMO/imported', { publicKey: 'ssh-ed25519 garbage' })).status).toBe(400);
    const rsa = await client.post('/v2/automation/keypairs/DEMO/rsa-ok', { type: 'rsa', bits: 4096 });
    expect(rsa.status).toBe(201);
    expect(rsa.body.publicKey).toMatch(/^ssh-rsa /);
    const other = (await client.post('/v2/automation/keypairs/DEMO/other', {})).body;
    const mismatch = await client.put('/v2/automation/keypairs/DEMO/imported', { publicKey: rsa.body.publicKey, privateKey: other.privateKey });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].field).toBe('privateKey');
    expect((await client.put('/v2/automation/keypairs/DEMO/imported', { publicKey: rsa.body.publicKey, privateKey: rsa.body.privateKey })).status).toBe(200);
    expect((await client.delete('/v2/automation/keypairs/DEMO/imported')).status).toBe(204);
    expect((await client.get('/v2/automation/keypairs/DEMO/imported')).status).toBe(404);
  });

  it('runs a job with keyPairAlias and useDynamicInventory on two registered servers, by group name', async () => {
    const second = await startSshd();
    try {
      const key = (await client.post('/v2/automation/keypairs/DEMO/runner-key', {})).body;
      sshd.authorizeKey(key.publicKey);
      second.authorizeKey(key.publicKey);
      for (const [name, port] of [['app-1', sshd.port], ['app-2', second.port]] as const) {
        const reply = await client.post('/v2/servers/DEMO', { name, ipAddress: '127.0.0.1', port, username: 'root', group: 'App Servers', locationId: 'LAB1', hostVars: { ansible_python_interpreter: '/usr/bin/python3' } });
        expect(reply.status).toBe(201);
      }
      const { path: executionPath } = await createAndStart(client, 'DEMO', {
        playbook: b64('- hosts: App_Servers\n  gather_facts: false\n  tasks:\n    - name: who\n      ansible.builtin.command: id -un\n'),
        keyPairAlias: 'runner-key',
        useDynamicInventory: true,
      });
      const done = await waitForStatus(client, executionPath);
      expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
      expect(Object.keys(done.host_summaries).sort()).toEqual(['app-1', 'app-2']);
      expect(stack.worker.output()).not.toContain(key.privateKey.split('\n')[1]);
    } finally {
      await second.stop();
    }
  });
});
