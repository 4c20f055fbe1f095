import * as fs from 'node:fs';
import { ApiClient, b64 } from '../support/http';
import { createBareRepo, startGitHttpServer, TestGitHttpServer, TestRepo } from '../support/git-repos';
import { generateKeyPair, startSshd, TestSshd } from '../support/sshd';
import { allRecords, createAndStart, processCommandLines, Stack, startStack, waitForStatus } from '../support/stack';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PING = '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ping\n      ansible.builtin.ping:\n';

describe('executions over SSH and from git repositories', () => {
  let stack: Stack;
  let client: ApiClient;
  let sshd: TestSshd;
  let repo: TestRepo;
  let http: TestGitHttpServer;
  let open: TestGitHttpServer;

  beforeAll(async () => {
    stack = await startStack();
    client = stack.admin;
    sshd = await startSshd();
    repo = createBareRepo(
      { 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: from main\n      ansible.builtin.debug: msg=main\n', 'broken.yml': '- hosts: all\n  tasks: [unclosed\n' },
      {
        branches: { feature: { 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: from feature\n      ansible.builtin.debug: msg=feature\n' } },
        tags: { 'v1.0.0': { 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: from tag\n      ansible.builtin.debug: msg=tag\n' } },
      },
    );
    http = await startGitHttpServer([repo], { username: 'deploy', password: 'git-http-secret' });
    open = await startGitHttpServer([repo]);
  });
  afterAll(async () => {
    await http?.stop();
    await open?.stop();
    await sshd?.stop();
    await stack?.stop();
  });

  it('runs over SSH with a key given at start, which appears nowhere', async () => {
    const key = generateKeyPair();
    sshd.authorizeKey(key.publicKey);
    const keyBody = key.privateKey.split('\n')[1];
    const playbook = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - name: wait a little\n      ansible.builtin.command: sleep 2.71\n    - name: ping\n      ansible.builtin.ping:\n');
    const { job, execution, path } = await createAndStart(
      client,
      'DEMO',
      { playbook, hosts: [{ id: 'target', hostVars: { ansible_host: '127.0.0.1', ansible_port: sshd.port, ansible_user: sshd.user, ansible_python_interpreter: '/usr/bin/python3' } }] },
      { sshPrivateKey: b64(key.privateKey) },
    );
    await waitForStatus(client, path, ['RUNNING', 'SUCCESS', 'FAILURE']);
    // While it runs: not on any command line, not in any file of the worker's data folder.
    let sawRun = false;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const lines = processCommandLines();
      expect(lines.join('\n')).not.toContain(keyBody);
      if (lines.some((l) => l.includes('sleep 2.71'))) {
        sawRun = true;
        expect(filesContaining(stack.workerDataDir, keyBody)).toEqual([]);
      }
      if ((await client.get(path)).body.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sawRun).toBe(true);
    const done = await waitForStatus(client, path);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
    const stdout = (await client.get(`${path}/stdout`)).body;
    const everything = JSON.stringify(records) + stdout + JSON.stringify(done) + stack.worker.output() + stack.api.process.output();
    expect(everything).not.toContain(keyBody);
    expect(JSON.stringify(await stack.db.query('SELECT * FROM executions'))).not.toContain(keyBody);
    expect(filesContaining(stack.workerDataDir, keyBody)).toEqual([]);
  });

  it('refuses a host whose SSH key changed since it was first seen, naming it', async () => {
    const key = generateKeyPair();
    sshd.authorizeKey(key.publicKey);
    const job = {
      playbook: b64(PING),
      hosts: [{ id: 'moving', hostVars: { ansible_host: '127.0.0.1', ansible_port: sshd.port, ansible_user: sshd.user, ansible_python_interpreter: '/usr/bin/python3' } }],
      sshPrivateKey: b64(key.privateKey),
    };
    const first = await createAndStart(client, 'DEMO', job);
    expect((await waitForStatus(client, first.path)).status).toBe('SUCCESS');
    await sshd.rotateHostKey();
    const second = await createAndStart(client, 'DEMO', job);
    const done = await waitForStatus(client, second.path);
    expect(done.status).toBe('FAILURE');
    expect(done.reason).toMatch(/SSH host key of moving differs/);
  });

  it('runs from a repository over HTTP on the default branch, a branch and a tag', async () => {
    for (const [branch, task, ref] of [[undefined, 'from main', 'main'], ['feature', 'from feature', 'feature'], ['v1.0.0', 'from tag', 'v1.0.0']] as const) {
      const { job, execution, path } = await createAndStart(client, 'DEMO', {
        repository: { url: open.url(repo), ...(branch ? { branch } : {}), defaultPlaybook: 'site.yml' },
        hosts: [{ id: 'localhost', hostVars: LOCAL }],
      });
      const done = await waitForStatus(client, path);
      expect({ ref, status: done.status, reason: done.reason }).toEqual({ ref, status: 'SUCCESS', reason: null });
      const commit = repo.commits.find((c) => c.message.includes(ref)) ?? repo.commits[0];
      expect(done.repository_log.recent_commit[0]).toMatchObject({ commit: commit.sha, author: 'Test Author', author_email: 'author@example.test' });
      if (ref === 'v1.0.0') expect(done.repository_log.tags).toContain('v1.0.0');
      const records = await allRecords(client, 'DEMO', job.id, execution.execution_id);
      expect(records.filter((r) => r.event_type === 'runner_on_ok').map((r) => r.task)).toEqual([task]);
    }
  });

  it('runs from a repository over HTTP with basic-auth credentials that never show', async () => {
    const { path } = await createAndStart(client, 'DEMO', {
      repository: { url: http.url(repo), branch: 'v1.0.0', defaultPlaybook: 'site.yml', credentials: { username: 'deploy', password: 'git-http-secret' } },
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    const done = await waitForStatus(client, path);
    expect(done.status).toBe('SUCCESS');
    expect(http.requests.some((r) => r.authorization === `Basic ${Buffer.from('deploy:git-http-secret').toString('base64')}`)).toBe(true);
    expect(processCommandLines().join('\n')).not.toContain('git-http-secret');
    expect(stack.worker.output()).not.toContain('git-http-secret');
  });

  it('gives INIT_FAILURE with a reason for each preparation cause', async () => {
    const cases: [object, object, RegExp][] = [
      [{ repository: { url: `${open.url(repo)}-missing`, defaultPlaybook: 'site.yml' } }, {}, /cannot fetch http:\/\/127\.0\.0\.1:\d+\/\S+-missing/],
      [{ repository: { url: open.url(repo), defaultPlaybook: 'missing.yml' } }, {}, /playbook missing.yml does not exist/],
      [{ repository: { url: open.url(repo), defaultPlaybook: 'broken.yml' } }, {}, /broken.yml is not valid YAML/],
      [{ repository: { url: open.url(repo), branch: 'no-such-branch', defaultPlaybook: 'site.yml' } }, {}, /cannot check out branch or tag no-such-branch/],
      [
        { playbook: b64(PING) },
        { sshPrivateKey: b64('-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n') },
        /SSH private key given at start is unusable/,
      ],
    ];
    for (const [job, start, reason] of cases) {
      const { path } = await createAndStart(client, 'DEMO', { ...job, hosts: [{ id: 'localhost', hostVars: LOCAL }] }, start);
      const done = await waitForStatus(client, path);
      expect({ status: done.status, reason: done.reason }).toEqual({ status: 'INIT_FAILURE', reason: expect.stringMatching(reason) });
    }
  });
});

describe('repository URLs: what git on the worker may be pointed at', () => {
  let stack: Stack;
  let repo: TestRepo;
  let http: TestGitHttpServer;

  beforeAll(async () => {
    stack = await startStack();
    repo = createBareRepo({ 'site.yml': PING });
    http = await startGitHttpServer([repo], { username: 'deploy', password: 'git-http-secret' });
  });
  afterAll(async () => {
    await http?.stop();
    await stack?.stop();
  });

  it('refuses local, file://, ext:: and option-shaped URLs and URLs with credentials, naming the field and storing nothing', async () => {
    const mirrors = `${stack.workerDataDir}/git-mirrors`;
    for (const url of [
      repo.fileUrl,
      repo.dir,
      `file://${mirrors}`,
      'ext::sh -c touch% /tmp/pwned',
      'ssh://-oProxyCommand=touch%20/tmp/pwned/repo',
      '-oProxyCommand=x@host:repo',
      `http://deploy:git-http-secret@127.0.0.1:1/repo.git`,
    ]) {
      const reply = await stack.admin.post('/v2/automation/jobs/DEMO', { repository: { url, defaultPlaybook: 'site.yml' }, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
      expect({ url, status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({ url, status: 400, field: 'repository.url' });
    }
    expect((await stack.admin.get('/v2/automation/jobs/DEMO')).body.totalSize).toBe(0);
  });

  it('refuses a file:// URL a job row holds from before the rule, in the worker', async () => {
    const { job } = await createAndStart(stack.admin, 'DEMO', { repository: { url: http.url(repo), defaultPlaybook: 'site.yml' }, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    await stack.db.query(`UPDATE jobs SET definition = jsonb_set(definition, '{repository,url}', to_jsonb($1::text)) WHERE id = $2`, [repo.fileUrl, job.id]);
    const started = await stack.admin.post(`/v2/automation/jobs/DEMO/${job.id}/start`);
    const done = await waitForStatus(stack.admin, `/v2/automation/jobs/DEMO/${job.id}/executions/${started.body.execution_id}`);
    expect(done).toMatchObject({ status: 'INIT_FAILURE' });
    expect(done.reason).toMatch(/^the repository URL must be an https:\/\/, http:\/\/ or ssh:\/\/ URL/);
  });

  it('keeps git mirrors per account: another tenant without credentials gets nothing the first one fetched', async () => {
    const withCredentials = await createAndStart(stack.admin, 'DEMO', {
      repository: { url: http.url(repo), defaultPlaybook: 'site.yml', credentials: { username: 'deploy', password: 'git-http-secret' } },
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    expect((await waitForStatus(stack.admin, withCredentials.path)).status).toBe('SUCCESS');
    expect((await stack.admin.post('/v2/accounts/DEMO', { alias: 'OTHER', name: 'Another tenant' })).status).toBe(201);
    const without = await createAndStart(stack.admin, 'OTHER', { repository: { url: http.url(repo), defaultPlaybook: 'site.yml' }, hosts: [{ id: 'localhost', hostVars: LOCAL }] });
    const done = await waitForStatus(stack.admin, without.path);
    expect(done.status).toBe('INIT_FAILURE');
    expect(done.reason).toMatch(/cannot fetch/);
    // From outside: one folder of mirrors per account, and OTHER's holds no copy of the repository.
    const ids = Object.fromEntries((await stack.db.query<{ id: string; alias: string }>('SELECT id, alias FROM accounts')).map((a) => [a.alias, a.id]));
    const mirrors = `${stack.workerDataDir}/git-mirrors`;
    expect(fs.readdirSync(mirrors).sort()).toEqual([ids.DEMO, ids.OTHER].sort());
    expect(fs.readdirSync(`${mirrors}/${ids.DEMO}`).filter((m) => fs.existsSync(`${mirrors}/${ids.DEMO}/${m}/HEAD`))).toHaveLength(1);
    expect(fs.readdirSync(`${mirrors}/${ids.OTHER}`).filter((m) => fs.existsSync(`${mirrors}/${ids.OTHER}/${m}/HEAD`))).toHaveLength(0);
  });
});

/** Files under `dir` whose content includes `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = `${d}/${entry.name}`;
      try {
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && fs.readFileSync(full).includes(needle)) found.push(full);
      } catch {
        // vanished while walking (the run cleans up)
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}
