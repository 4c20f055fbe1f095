import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBareRepo, startGitHttpServer, TestGitHttpServer } from '../support/git-repos';
import { startFileServer, TestFileServer } from '../support/file-server';
import { ApiClient } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { until } from '../support/webhook-servers';

/**
 * Playbook projects as teams write them (README "Playbook projects"): requirements from a git
 * server and a tarball server on loopback, installed by the run's uid in its sandbox (on in this
 * stack, the default) and cached per account; the repository's ansible.cfg under the service's
 * settings; an inventory folder of the repository with its group_vars; a vault (a whole encrypted
 * vars file and an inline `!vault` value, two vault ids) used by the same run.
 */

const LOCAL_HOST = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const ROLE_META = 'galaxy_info:\n  author: tester\n  description: a test role\n  license: MIT\n  min_ansible_version: "2.14"\ndependencies: []\n';
const PRIVATE_PASSWORD = 'requirements-git-secret-7f3a';
/** The project's vault: two vault ids, a whole encrypted vars file and an inline `!vault` value. */
const VAULT_PASSWORDS = { prod: 'prod-vault-pass-31c9', dev: 'dev-vault-pass-8e42' };
const VAULTED = { db_password: 'vaulted-db-password-5d1e', api_token: 'vaulted-api-token-77aa' };

/** The vault files as a team keeps them, encrypted by the real ansible-vault. */
function vaultFiles(): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-'));
  try {
    for (const [id, password] of Object.entries(VAULT_PASSWORDS)) fs.writeFileSync(path.join(dir, id), password);
    fs.writeFileSync(path.join(dir, 'vault.yml'), `vault_db_password: ${VAULTED.db_password}\n`);
    const vault = (...args: string[]): string => execFileSync('ansible-vault', args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    vault('encrypt', '--vault-id', `prod@${path.join(dir, 'prod')}`, 'vault.yml');
    const inline = vault('encrypt_string', '--vault-id', `dev@${path.join(dir, 'dev')}`, VAULTED.api_token, '--name', 'vault_api_token');
    return { 'inventories/prod/group_vars/all/vault.yml': fs.readFileSync(path.join(dir, 'vault.yml'), 'utf8'), 'inventories/prod/group_vars/all/inline.yml': inline };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A collection with one module, built into a tarball by ansible-galaxy as a team would publish it. */
function buildCollection(): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collection-'));
  try {
    const source = path.join(dir, 'src');
    fs.mkdirSync(path.join(source, 'plugins', 'modules'), { recursive: true });
    fs.writeFileSync(path.join(source, 'galaxy.yml'), 'namespace: testns\nname: tools\nversion: 1.0.0\nreadme: README.md\nauthors: [tester]\n');
    fs.writeFileSync(path.join(source, 'README.md'), 'tools\n');
    fs.writeFileSync(
      path.join(source, 'plugins', 'modules', 'shout.py'),
      [
        '#!/usr/bin/python',
        'from ansible.module_utils.basic import AnsibleModule',
        'def main():',
        "    module = AnsibleModule(argument_spec=dict(text=dict(type='str', required=True)))",
        "    module.exit_json(changed=False, shouted=module.params['text'].upper())",
        "if __name__ == '__main__':",
        '    main()',
        '',
      ].join('\n'),
    );
    execFileSync('ansible-galaxy', ['collection', 'build', '--output-path', path.join(dir, 'out'), source], { env: { PATH: process.env.PATH, HOME: dir }, stdio: 'pipe' });
    return fs.readFileSync(path.join(dir, 'out', 'testns-tools-1.0.0.tar.gz'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The service's settings as the run sees them: a failed assert fails the run. */
const SETTINGS_HELD = [
  "lookup('config', 'DEFAULT_TIMEOUT') | int == 37",
  "lookup('config', 'DEFAULT_STDOUT_CALLBACK') == 'default'",
  "lookup('config', 'CALLBACKS_ENABLED') == ['runner_events']",
  "lookup('config', 'DEFAULT_LOG_PATH') is none",
  "lookup('config', 'DEFAULT_PRIVATE_KEY_FILE') is none",
  "lookup('config', 'DEFAULT_VAULT_PASSWORD_FILE') is none",
  "lookup('config', 'DEFAULT_LOCAL_TMP') is not match('/etc')",
  "lookup('config', 'host_key_checking', plugin_type='connection', plugin_name='ssh') | bool",
  "lookup('config', 'DEFAULT_FORKS') | int <= 200",
];

const SITE = [
  '- hosts: web',
  '  gather_facts: false',
  '  roles:',
  '    - greeter',
  '    - local_helper',
  '  tasks:',
  "    - name: use the collection's module",
  '      testns.tools.shout:',
  '        text: "{{ greeting_word }}"',
  '      register: shouted',
  '    - name: what the pieces gave',
  '      ansible.builtin.debug:',
  `        msg: "shouted={{ shouted.shouted }} role={{ greeter_said }} helper={{ helper_said }} timeout={{ lookup('config', 'DEFAULT_TIMEOUT') }}"`,
  '    - name: what the vault gave',
  '      ansible.builtin.debug:',
  `        msg: "vaulted={{ (vault_db_password ~ '/' ~ vault_api_token) | hash('sha1') }}"`,
  "    - name: the service's settings held",
  '      ansible.builtin.assert:',
  '        that:',
  ...SETTINGS_HELD.map((condition) => `          - ${JSON.stringify(condition)}`),
  '',
].join('\n');

/** An ansible.cfg with one setting the run can see (timeout), a relative roles_path, and every key that must not win. */
const HOSTILE_CFG = [
  '[defaults]',
  'roles_path = ./extra_roles',
  'timeout = 37',
  'stdout_callback = json',
  'callbacks_enabled = evil',
  'callback_plugins = ./evil_callbacks',
  'log_path = /var/tmp/runner-leak.log',
  'private_key_file = /etc/shadow',
  'vault_password_file = /etc/shadow',
  'local_tmp = /etc',
  'forks = 9999',
  '[ssh_connection]',
  'host_key_checking = False',
  'ssh_args = -o StrictHostKeyChecking=no',
  '',
].join('\n');

// A first run installs from two servers before it starts: generous on a shared, loaded machine.
jest.setTimeout(300_000);

describe('playbook projects', () => {
  let stack: Stack;
  let client: ApiClient;
  let gitServer: TestGitHttpServer;
  let files: TestFileServer;
  let roleRepoPath: string;
  let projectJob: any;
  let authServer: TestGitHttpServer;
  let roleRepoUrl: string;
  /** The project repositories' URLs, by name. */
  let repos: Record<string, string>;

  beforeAll(async () => {
    const roleRepo = createBareRepo({
      'meta/main.yml': ROLE_META,
      'tasks/main.yml': '- name: greet\n  ansible.builtin.set_fact:\n    greeter_said: greeter role ran\n',
    });
    files = await startFileServer({ '/testns-tools-1.0.0.tar.gz': buildCollection() }, ['/testns-stalled-1.0.0.tar.gz']);
    gitServer = await startGitHttpServer([roleRepo]);
    roleRepoPath = path.basename(roleRepo.dir);
    roleRepoUrl = gitServer.url(roleRepo);
    const project = createBareRepo({
      'site.yml': SITE,
      'ansible.cfg': HOSTILE_CFG,
      'roles/requirements.yml': `- src: ${gitServer.url(roleRepo)}\n  scm: git\n  name: greeter\n`,
      'collections/requirements.yml': `collections:\n  - name: ${files.url('/testns-tools-1.0.0.tar.gz')}\n    type: url\n`,
      'extra_roles/local_helper/tasks/main.yml': '- ansible.builtin.set_fact:\n    helper_said: helper ran\n',
      'inventories/prod/hosts.yml': `web:\n  hosts:\n    web1: ${JSON.stringify(LOCAL_HOST)}\n    web2: ${JSON.stringify(LOCAL_HOST)}\n`,
      'inventories/prod/group_vars/web.yml': 'greeting_word: hello from group_vars\n',
      ...vaultFiles(),
    });
    const missing = createBareRepo({
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
      'requirements.yml': `collections:\n  - name: ${files.url('/testns-missing-1.0.0.tar.gz')}\n    type: url\n`,
    });
    const stalled = createBareRepo({
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
      'collections/requirements.yml': `collections:\n  - name: ${files.url('/testns-stalled-1.0.0.tar.gz')}\n    type: url\n`,
    });
    const escaping = createBareRepo({ 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks: []\n' }, { links: { 'inventories/escape': '/etc' } });
    const projectServer = await startGitHttpServer([project, missing, stalled, escaping]);
    // A private project whose private role lives on the same git server, and a public role elsewhere.
    const privateRole = createBareRepo({ 'meta/main.yml': ROLE_META, 'tasks/main.yml': '- ansible.builtin.set_fact:\n    private_said: private role ran\n' });
    const privateProject = createBareRepo({
      'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [private_role, greeter]\n  tasks:\n    - ansible.builtin.debug:\n        msg: "{{ private_said }} and {{ greeter_said }}"\n',
    });
    authServer = await startGitHttpServer([privateRole, privateProject], { username: 'deploy', password: PRIVATE_PASSWORD });
    const requirements = `- src: ${authServer.url(privateRole)}\n  scm: git\n  name: private_role\n- src: ${roleRepoUrl}\n  scm: git\n  name: greeter\n`;
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'clone', '-q', privateProject.dir, path.join(path.dirname(privateProject.dir), 'edit')]);
    const edit = path.join(path.dirname(privateProject.dir), 'edit');
    fs.mkdirSync(path.join(edit, 'roles'));
    fs.writeFileSync(path.join(edit, 'roles', 'requirements.yml'), requirements);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: edit, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }, encoding: 'utf8' });
    git('add', '-A');
    git('commit', '-qm', 'requirements');
    git('push', '-q', 'origin', 'HEAD:main');
    stack = await startStack();
    client = stack.admin;
    repos = { project: projectServer.url(project), missing: projectServer.url(missing), stalled: projectServer.url(stalled), escaping: projectServer.url(escaping), private: authServer.url(privateProject) };
  });
  afterAll(async () => {
    await gitServer?.stop();
    await authServer?.stop();
    await files?.stop();
    await stack?.stop();
  });

  const stdout = async (executionPath: string): Promise<string> => (await client.get(`${executionPath}/stdout`)).body;

  it('installs roles and collections from their sources, applies the ansible.cfg under the service settings, reads the inventory folder with its group_vars, decrypts its vault and shows none of it', async () => {
    const { job, execution, path: executionPath } = await createAndStart(client, 'DEMO', {
      repository: { url: repos.project, defaultPlaybook: 'site.yml', inventory: 'inventories/prod' },
      vaultPasswords: VAULT_PASSWORDS,
    });
    projectJob = job;
    const done = await waitForStatus(client, executionPath, undefined, 240_000);
    const text = await stdout(executionPath);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    expect(text).toContain('requirements: installing roles/requirements.yml, collections/requirements.yml');
    expect(text).toContain('shouted=HELLO FROM GROUP_VARS role=greeter role ran helper=helper ran timeout=37');
    // The vault's values reached the tasks, and neither they nor its passwords are shown anywhere.
    expect(text).toContain(`vaulted=${sha1(`${VAULTED.db_password}/${VAULTED.api_token}`)}`);
    const shown = text + JSON.stringify(await allRecords(client, 'DEMO', job.id, execution.execution_id)) + JSON.stringify((await client.get(`/v2/automation/jobs/DEMO/${job.id}`)).body);
    for (const secret of [...Object.values(VAULTED), ...Object.values(VAULT_PASSWORDS)]) expect(shown).not.toContain(secret);
    // The default stdout callback (not json) wrote the transcript, and our callback the records.
    expect(text).toMatch(/^TASK \[what the pieces gave\]/m);
    expect(Object.keys(done.host_summaries).sort()).toEqual(['web1', 'web2']);
    expect(gitServer.requests.some((r) => r.path.includes(roleRepoPath))).toBe(true);
    expect(files.requests).toContain('/testns-tools-1.0.0.tar.gz');
    // The installer ran as the account's run uid, never as the worker's root: it owns what it installed.
    const cache = path.join(stack.workerDataDir, 'requirements-cache');
    const [account] = fs.readdirSync(cache);
    const [entry] = fs.readdirSync(path.join(cache, account));
    expect(fs.statSync(path.join(cache, account, entry, 'roles', 'greeter')).uid).toBeGreaterThanOrEqual(2_000_000_000);
    expect(fs.existsSync('/var/tmp/runner-leak.log')).toBe(false);
  });

  it('installs nothing on a second run, and says so', async () => {
    const gitRequests = gitServer.requests.filter((r) => r.path.includes(roleRepoPath)).length;
    const fileRequests = files.requests.length;
    const started = await client.post(`/v2/automation/jobs/DEMO/${projectJob.id}/start`, {});
    expect(started.status).toBe(202);
    const executionPath = `/v2/automation/jobs/DEMO/${projectJob.id}/executions/${started.body.execution_id}`;
    const done = await waitForStatus(client, executionPath, undefined, 240_000);
    const text = await stdout(executionPath);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    expect(text).toMatch(/^requirements: cached \([0-9a-f]{12}\), nothing installed$/m);
    expect(text).toContain('shouted=HELLO FROM GROUP_VARS role=greeter role ran');
    expect(gitServer.requests.filter((r) => r.path.includes(roleRepoPath)).length).toBe(gitRequests);
    expect(files.requests.length).toBe(fileRequests);
  });

  it("narrows to a start request's hosts and never adds one the inventories do not have", async () => {
    const start = async (hosts: string[]): Promise<any[]> => {
      const started = await client.post(`/v2/automation/jobs/DEMO/${projectJob.id}/start`, { hosts: hosts.map((id) => ({ id })) });
      expect(started.status).toBe(202);
      const executionPath = `/v2/automation/jobs/DEMO/${projectJob.id}/executions/${started.body.execution_id}`;
      await waitForStatus(client, executionPath, undefined, 240_000);
      const records = await allRecords(client, 'DEMO', projectJob.id, started.body.execution_id);
      return [...new Set(records.map((r) => r.host).filter(Boolean))].sort();
    };
    expect(await start(['web2'])).toEqual(['web2']);
    expect(await start(['ghost'])).toEqual([]);
  });

  it('keeps repository.inventory through a GET and PUT round trip', async () => {
    const self = `/v2/automation/jobs/DEMO/${projectJob.id}`;
    const before = (await client.get(self)).body;
    expect(before.repository.inventory).toEqual(['inventories/prod']);
    const put = await client.put(self, { ...before, description: 'round trip' });
    expect(put.status).toBe(200);
    expect((await client.get(self)).body.repository.inventory).toEqual(['inventories/prod']);
    const openapi = (await client.get('/v2/openapi.json')).body;
    expect(openapi.components.schemas.JobRepository.properties.inventory).toBeDefined();
  });

  it("sends the repository's credentials to git sources on its own server only, and shows them nowhere", async () => {
    const openRequests = gitServer.requests.length;
    const { job, execution, path: executionPath } = await createAndStart(client, 'DEMO', {
      repository: { url: repos.private, defaultPlaybook: 'site.yml', credentials: { username: 'deploy', password: PRIVATE_PASSWORD } },
      hosts: [{ id: 'local', hostVars: LOCAL_HOST }],
    });
    const done = await waitForStatus(client, executionPath, undefined, 240_000);
    const text = await stdout(executionPath);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    expect(text).toContain('private role ran and greeter role ran');
    // The public role's server was asked, and never got the header.
    const toOpen = gitServer.requests.slice(openRequests);
    expect(toOpen.length).toBeGreaterThan(0);
    expect(toOpen.filter((r) => r.authorization)).toEqual([]);
    const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
    const basic = Buffer.from(`deploy:${PRIVATE_PASSWORD}`).toString('base64');
    for (const secret of [PRIVATE_PASSWORD, basic]) {
      expect(text + JSON.stringify(records) + JSON.stringify(done) + stack.worker.output()).not.toContain(secret);
    }
  });

  it("ends INIT_FAILURE with the installer's message when a requirement's source is missing", async () => {
    const { path: executionPath } = await createAndStart(client, 'DEMO', { repository: { url: repos.missing, defaultPlaybook: 'site.yml' }, hosts: [{ id: 'local', hostVars: LOCAL_HOST }] });
    const done = await waitForStatus(client, executionPath, undefined, 240_000);
    expect(done.status).toBe('INIT_FAILURE');
    expect(done.reason).toMatch(/^the requirements of requirements\.yml could not be installed: .*testns-missing-1\.0\.0\.tar\.gz.*(404|Not Found)/is);
  });

  it('stops a run while it installs its requirements: the stop reaches the installer', async () => {
    // The tarball trickles for ever: only a stop that reaches the installer ends this run in time.
    const { path: executionPath } = await createAndStart(client, 'DEMO', { repository: { url: repos.stalled, defaultPlaybook: 'site.yml' }, hosts: [{ id: 'local', hostVars: LOCAL_HOST }] });
    await until(() => files.requests.includes('/testns-stalled-1.0.0.tar.gz'), 120_000, 'the installer asking for the stalled tarball');
    expect((await client.post(`${executionPath}/stop`, {})).status).toBeLessThan(300);
    const done = await waitForStatus(client, executionPath, undefined, 120_000);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'STOPPED', reason: 'stopped on request' });
  });

  it('refuses an inventory path that leaves the repository when stored, and one that links outside when run', async () => {
    const refused = await client.post('/v2/automation/jobs/DEMO', { repository: { url: repos.escaping, defaultPlaybook: 'site.yml', inventory: ['inventories', '../elsewhere'] } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('repository.inventory.1');
    const { path: executionPath } = await createAndStart(client, 'DEMO', { repository: { url: repos.escaping, defaultPlaybook: 'site.yml', inventory: 'inventories/escape' } });
    const done = await waitForStatus(client, executionPath, undefined, 240_000);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'INIT_FAILURE', reason: 'inventory inventories/escape points outside the repository' });
  });
});
