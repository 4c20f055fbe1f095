import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PortGate } from '../support/gate';
import { createBareRepo, startGitHttpServer, TestGitHttpServer } from '../support/git-repos';
import { ApiClient, b64 } from '../support/http';
import { tempDir } from '../support/processes';
import { allRecords, createAndStart, processCommandLines, Stack, startStack, waitForStatus } from '../support/stack';

/**
 * Playbook projects (README "Playbook projects"): vault passwords and set_stats artifacts. Real
 * api, worker, PostgreSQL and Ansible, sandbox on; the repository is served over HTTP on loopback,
 * its vault content made by the real ansible-vault at test time: a whole encrypted vars file
 * (vault id prod) and an inline `!vault` value (vault id dev) in group_vars beside the playbook.
 */

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PASSWORDS = { prod: 'prod-vault-password-1', dev: 'dev-vault-password-2' };
/** The decrypted values: never to be seen outside the run. */
const VALUES = { db_password: 'vault-file-db-password-3', api_token: 'vault-file-api-token-4', inline_secret: 'inline-vault-secret-5' };
/** A secret extra var the playbook publishes with set_stats. */
const SECRET_PROPERTY = 'artifact-secret-property-6';
const sha1 = (text: string): string => crypto.createHash('sha1').update(text).digest('hex');

/** The repository's files, its vault content encrypted by ansible-vault itself. */
function vaultProject(gatePort: number): Record<string, string> {
  const dir = tempDir('runner-vault-src-');
  try {
    fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\n');
    fs.writeFileSync(path.join(dir, 'prod.pass'), PASSWORDS.prod);
    fs.writeFileSync(path.join(dir, 'dev.pass'), PASSWORDS.dev);
    fs.writeFileSync(path.join(dir, 'secret.yml'), `db_password: ${VALUES.db_password}\napi_token: ${VALUES.api_token}\n`);
    const vault = (...args: string[]): string => execFileSync('ansible-vault', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg') } });
    vault('encrypt', '--vault-id', 'prod@prod.pass', 'secret.yml');
    const inline = vault('encrypt_string', '--vault-id', 'dev@dev.pass', VALUES.inline_secret, '--name', 'inline_secret');
    const play = (tasks: string[]): string =>
      ['- hosts: all', '  gather_facts: false', '  vars_files: [vars/secret.yml]', '  tasks:', ...tasks].join('\n') + '\n';
    const uses = [
      '    - name: derived from the decrypted values',
      '      ansible.builtin.debug:',
      `        msg: "lengths {{ db_password | length }}/{{ inline_secret | length }} sha1 {{ db_password | hash('sha1') }} {{ inline_secret | hash('sha1') }}"`,
      // Printed on purpose, plain and in base64: the masker must keep them out of everything stored.
      '    - ansible.builtin.debug:',
      '        msg: "{{ db_password }} {{ inline_secret }} {{ api_token | b64encode }}"',
    ];
    return {
      'vars/secret.yml': fs.readFileSync(path.join(dir, 'secret.yml'), 'utf8'),
      'group_vars/all.yml': `plain_value: 1\n${inline}\n`,
      'site.yml': play([
        '    - name: wait for the test',
        `      ansible.builtin.wait_for: { host: 127.0.0.1, port: ${gatePort}, timeout: 120 }`,
        ...uses,
        '    - ansible.builtin.set_stats:',
        '        data: { build_id: 42, leaked: "{{ db_password }}", secret_var: "{{ my_secret }}" }',
        '        per_host: false',
        '    - ansible.builtin.set_stats:',
        '        data: { host_port: 8080, inline: "{{ inline_secret }}" }',
        '        per_host: true',
      ]),
      'check.yml': play(uses),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment of every process on the machine (root reads the sandbox's too). */
function processEnvironments(): string[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}

/** A secret as it must never appear: as it is and in base64. */
const forms = (secrets: string[]): string[] => secrets.flatMap((s) => [s, b64(s)]);
const leaksIn = (text: string, secrets: string[]): string[] => forms(secrets).filter((form) => text.includes(form));

describe('vault passwords and set_stats artifacts (sandbox on)', () => {
  let stack: Stack;
  let admin: ApiClient;
  let git: TestGitHttpServer;
  let repoUrl: string;
  const gate = PortGate.create();

  beforeAll(async () => {
    const repo = createBareRepo(vaultProject((await gate).port));
    git = await startGitHttpServer([repo]);
    repoUrl = git.url(repo);
    stack = await startStack({ RUNNER_MAX_ARTIFACTS_KB: '4' });
    admin = stack.admin;
  });
  afterAll(async () => {
    (await gate).close();
    await git?.stop();
    await stack?.stop();
  });

  it('decrypts files and inline values in the run, never shows values or passwords, and keeps set_stats as masked artifacts', async () => {
    const created = await admin.post('/v2/automation/jobs/DEMO', {
      repository: { url: repoUrl, defaultPlaybook: 'site.yml' },
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      secretProperties: { my_secret: SECRET_PROPERTY },
      vaultPasswords: PASSWORDS,
    });
    expect(created.status).toBe(201);
    expect(created.body.vaultPasswords).toEqual({ prod: '$encrypted$', dev: '$encrypted$' });
    // GET → PUT as it is keeps the passwords (the run below decrypts with them).
    const jobPath = `/v2/automation/jobs/DEMO/${created.body.id}`;
    const got = await admin.get(jobPath);
    expect(got.body.vaultPasswords).toEqual({ prod: '$encrypted$', dev: '$encrypted$' });
    expect((await admin.put(jobPath, got.body)).status).toBe(200);

    const started = await admin.post(`${jobPath}/start`, {});
    expect(started.status).toBe(202);
    const executionPath = `${jobPath}/executions/${started.body.execution_id}`;
    const secrets = [...Object.values(PASSWORDS), ...Object.values(VALUES), SECRET_PROPERTY];

    // While the run waits at the gate: its ansible-playbook names password files only, and no
    // process's command line or environment holds a password or a decrypted value.
    let seen: string[] = [];
    for (let i = 0; i < 600 && !seen.length; i++) {
      // This stack's run only (its workspace is under this worker's data folder): other test files run at once.
      seen = processCommandLines().filter((line) => line.includes('ansible-playbook') && line.includes(stack.workerDataDir) && line.includes('site.yml'));
      if (!seen.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen.join('\n')).toMatch(/--vault-id prod@\S+vault-password-\d/);
    expect(seen.join('\n')).toMatch(/--vault-id dev@\S+vault-password-\d/);
    expect(leaksIn(processCommandLines().join('\n'), secrets)).toEqual([]);
    expect(leaksIn(processEnvironments().join('\n'), secrets)).toEqual([]);
    (await gate).open();

    const done = await waitForStatus(admin, executionPath, undefined, 180_000);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    const stdout: string = (await admin.get(`${executionPath}/stdout`)).body;
    // The tasks used the decrypted values: their lengths and hashes are in the transcript.
    expect(stdout).toContain(`lengths ${VALUES.db_password.length}/${VALUES.inline_secret.length} sha1 ${sha1(VALUES.db_password)} ${sha1(VALUES.inline_secret)}`);
    expect(stdout).toContain('******** ********');

    expect(done.artifacts).toEqual({
      run: { build_id: 42, leaked: '********', secret_var: '********' },
      hosts: { localhost: { host_port: 8080, inline: '********' } },
    });
    const listed = (await admin.get(`${jobPath}/executions`)).body.results.find((e: any) => e.execution_id === done.execution_id);
    expect(listed.artifacts).toEqual(done.artifacts);
    // The Runner's GA path shows the same execution document.
    const ga = await admin.get(`/jobs/DEMO/${created.body.id}/executions/${done.execution_id}`);
    expect(ga.body.artifacts).toEqual(done.artifacts);

    const records = JSON.stringify(await allRecords(admin, 'DEMO', created.body.id, done.execution_id));
    expect(records).toContain('"build_id":42');
    const answers = [stdout, records, JSON.stringify(done), JSON.stringify((await admin.get(jobPath)).body), JSON.stringify(listed)].join('\n');
    expect(leaksIn(answers, secrets)).toEqual([]);
    expect(stack.worker.output().includes(PASSWORDS.prod)).toBe(false);
  });

  it('ends FAILURE with a reason naming the file and vault id when a password is wrong or missing', async () => {
    const run = async (vaultPasswords: Record<string, string>): Promise<any> => {
      const { path: executionPath } = await createAndStart(admin, 'DEMO', {
        repository: { url: repoUrl, defaultPlaybook: 'check.yml' },
        hosts: [{ id: 'localhost', hostVars: LOCAL }],
        vaultPasswords,
      });
      return waitForStatus(admin, executionPath, undefined, 180_000);
    };
    const [wrong, missing] = await Promise.all([run({ prod: 'not-the-prod-password', dev: PASSWORDS.dev }), run({ dev: PASSWORDS.dev })]);
    expect(wrong.status).toBe('FAILURE');
    expect(wrong.reason).toMatch(/^vault: no vault password of the job decrypts vars\/secret\.yml \(vault id prod\); check the job's vaultPasswords\. Ansible: .*Decryption failed/);
    expect(missing.status).toBe('FAILURE');
    expect(missing.reason).toContain('vars/secret.yml (vault id prod: the job has no password for it)');
    expect(leaksIn(JSON.stringify([wrong, missing]), [...Object.values(PASSWORDS), 'not-the-prod-password'])).toEqual([]);
  });

  it('refuses vault ids Ansible could not read and passwords it would change, and "$encrypted$" with nothing stored', async () => {
    const job = (vaultPasswords: unknown) => admin.post('/v2/automation/jobs/DEMO', { playbook: b64('- hosts: all\n  tasks: []\n'), vaultPasswords });
    const cases: [unknown, string][] = [
      [{ 'a@b': 'long-enough-password' }, 'vaultPasswords.a@b'],
      [{ prod: 'short' }, 'vaultPasswords.prod'],
      [{ prod: ' padded-password ' }, 'vaultPasswords.prod'],
      [{ prod: 12345678 }, 'vaultPasswords.prod'],
      [{ prod: '$encrypted$' }, 'vaultPasswords.prod'],
      ['a-password', 'vaultPasswords'],
    ];
    for (const [body, field] of cases) {
      const reply = await job(body);
      expect({ body, status: reply.status, fields: reply.body.errors?.map((e: any) => e.field) }).toEqual({ body, status: 400, fields: [field] });
    }
    // Both fields are in the OpenAPI document.
    const { schemas } = (await admin.get('/v2/openapi.json')).body.components;
    expect(schemas.JobRequest.properties.vaultPasswords).toMatchObject({ type: 'object', description: expect.stringContaining('write-only') });
    expect(schemas.ExecutionResponse.properties.artifacts).toMatchObject({ nullable: true, description: expect.stringContaining('set_stats') });
  });

  it('stores set_stats data over RUNNER_MAX_ARTIFACTS_KB as a marker that says so', async () => {
    const playbook = b64(
      ['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.set_stats:', `        data: { blob: "{{ 'x' * 6000 }}" }`].join('\n') + '\n',
    );
    const { path: executionPath } = await createAndStart(admin, 'DEMO', { playbook, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    const done = await waitForStatus(admin, executionPath, undefined, 180_000);
    expect(done.status).toBe('SUCCESS');
    expect(done.artifacts).toEqual({ omitted: "the playbook's set_stats data was 6 KiB, over this service's limit of 4 KiB (RUNNER_MAX_ARTIFACTS_KB); not stored" });
  });
});
