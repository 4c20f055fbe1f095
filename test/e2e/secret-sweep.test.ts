import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { b64 } from '../support/http';
import { ADMIN_PASSWORD, tempDir } from '../support/processes';
import { Stack, startStack, waitForStatus } from '../support/stack';

// The route sweep of the tenant-boundary issue: with every kind of secret stored (job keys and
// repository credentials, secret variables, a run's secrets, a server's password, key pairs' private
// keys, a service account's password, chat URLs of notifications), every GET operation of the OpenAPI document is called with
// real ids, and no answer may carry any of them. Only the answer that generates a key pair shows its
// private key, once; the webhook secret's own route is the one meant to show that secret.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
/** A real key (the run's ssh-agent takes it), made by ssh-keygen. */
function pem(name: string): string {
  const dir = tempDir('runner-sweep-key-');
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  const key = fs.readFileSync(file, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return key;
}
const SECRETS = {
  jobKey: pem('sweepJobKey'),
  hostKey: pem('sweepHostKey'),
  repoKey: pem('sweepRepoKey'),
  repoPassword: 'sweep-repo-password-1',
  hostPassword: 'sweep-host-password-2',
  becomePassword: 'sweep-become-password-3',
  secretProperty: 'sweep-secret-property-4',
  runSecret: 'sweep-run-secret-5',
  serverPassword: 'sweep-server-password-6',
  vaultPassword: 'sweep-vault-password-7',
  serviceAccountPassword: ADMIN_PASSWORD,
  // Incoming-webhook URLs are credentials: a job's and the account default's (nothing listens there).
  jobChatUrl: 'http://127.0.0.1:9/services/T0SWEEP/B0SWEEP/sweep-job-chat-8',
  accountChatUrl: 'http://127.0.0.1:9/services/T0SWEEP/B0SWEEP/sweep-account-chat-9',
};

describe('no answer carries a stored secret', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The chat URLs are on loopback: allowed for this stack's api (nothing is ever delivered there).
    stack = await startStack({}, { RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sweeps every GET operation with real ids', async () => {
    const admin = stack.admin;
    const printing = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug:\n        msg: "{{ run_secret }} {{ db_password }}"\n');
    const job = await admin.post('/v2/automation/jobs/DEMO', {
      playbook: printing,
      hosts: [{ id: 'localhost', hostVars: { ...LOCAL, ansible_password: SECRETS.hostPassword }, sshPrivateKey: b64(SECRETS.hostKey) }],
      properties: { ansible_become_password: SECRETS.becomePassword },
      secretProperties: { db_password: SECRETS.secretProperty },
      vaultPasswords: { prod: SECRETS.vaultPassword },
      sshPrivateKey: b64(SECRETS.jobKey),
      notify: { chat: { url: SECRETS.jobChatUrl, on: 'success' } },
    });
    expect(job.status).toBe(201);
    expect((await admin.put('/v2/accounts/DEMO/notify', { chat: { url: SECRETS.accountChatUrl, on: 'always' } })).status).toBe(200);
    const repoJob = await admin.post('/v2/automation/jobs/DEMO', {
      repository: { url: 'https://git.example.com/ops/site.git', defaultPlaybook: 'site.yml', credentials: { username: 'ops', password: SECRETS.repoPassword, sshPrivateKey: b64(SECRETS.repoKey) } },
    });
    expect(repoJob.status).toBe(201);
    // The run is a plain local one: its keys are for hosts it does not reach.
    const started = await admin.post(`/v2/automation/jobs/DEMO/${job.body.id}/start`, { secretProperties: { run_secret: SECRETS.runSecret } });
    expect(started.status).toBe(202);
    const run = await waitForStatus(admin, `/v2/automation/jobs/DEMO/${job.body.id}/executions/${started.body.execution_id}`);
    expect(run.status).toBe('SUCCESS');

    expect((await admin.post('/v2/servers/DEMO', { name: 'sweep-server', ipAddress: '10.9.8.7', password: SECRETS.serverPassword })).status).toBe(201);
    const generated = await admin.post('/v2/automation/keypairs/DEMO/sweep-generated', {});
    expect(generated.status).toBe(201);
    const generatedKey: string = generated.body.privateKey;
    expect(generatedKey).toContain('PRIVATE KEY');
    const vpn = await admin.post('/v2/automation/vpn/DEMO', { name: 'sweep-vpn', networks: ['10.77.0.0/16'], gateway: { host: '10.9.8.6', port: 22, username: 'jump', keyPairAlias: 'sweep-generated' } });
    expect(vpn.status).toBe(201);
    expect((await admin.post('/v2/automation/serviceAccounts/DEMO', { alias: 'sweep-sa', username: 'admin', password: SECRETS.serviceAccountPassword })).status).toBe(201);
    const schedule = await admin.post(`/v2/automation/jobs/DEMO/${job.body.id}/schedules`, { serviceAccountAlias: 'sweep-sa', trigger: { type: 'cron', expression: '0 0 1 1 *' } });
    expect(schedule.status).toBe(201);
    // A deployment (it fails: nothing listens there) gives an operation to read back.
    const deployment = await admin.post('/v2/automation/keypairs/DEMO/sweep-generated/sweep-server', { usernames: ['root'] });
    expect(deployment.status).toBe(202);

    const ids: Record<string, string> = {
      alias: 'DEMO',
      jobId: job.body.id,
      executionId: started.body.execution_id,
      name: 'sweep-server',
      serverId: 'sweep-server',
      keypairAlias: 'sweep-generated',
      serviceAccountAlias: 'sweep-sa',
      scheduleId: schedule.body.id,
    };
    const spec = (await admin.get('/v2/openapi.json')).body;
    const answers: { path: string; body: string }[] = [];
    for (const [template, methods] of Object.entries<Record<string, unknown>>(spec.paths)) {
      if (!('get' in methods) || template === '/v2/automation/webhooks/{alias}/secret') continue;
      // `id` is a VPN connection's or an operation's: the path says which.
      const id = template.startsWith('/v2/operations') ? deployment.body.id : vpn.body.id;
      const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent((name === 'id' ? id : ids[name]) ?? 'unknown'));
      for (const suffix of ['', path.includes('?') ? '' : '?page=0&size=100']) {
        const reply = await admin.get(path + suffix);
        answers.push({ path: path + suffix, body: typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body) });
      }
    }
    expect(answers.length).toBeGreaterThanOrEqual(40);
    // The run's stdout among them shows the masks where the secrets were printed.
    expect(answers.find((a) => a.path.endsWith('/stdout'))?.body).toContain('********');

    const forms = [...Object.values(SECRETS), generatedKey].flatMap((secret) => [secret, b64(secret), ...secret.split('\n').filter((line) => line.length >= 20)]);
    const leaks = answers.flatMap(({ path, body }) => forms.filter((form) => body.includes(form)).map((form) => `${path}: ${form.slice(0, 30)}`));
    expect(leaks).toEqual([]);
  });
});
