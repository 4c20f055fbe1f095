import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliOptions, CliRun, CliRunner, Running, until } from '../support/cli';
import { freePort } from '../support/free-port';
import { PortGate } from '../support/gate';
import { ADMIN_PASSWORD, ApiHandle, ROOT, startApi, tempDir } from '../support/processes';
import { allRecords, processCommandLines, Stack, startStack } from '../support/stack';

const LOCAL_HOST = ['hosts:', '  - id: localhost', '    hostVars:', '      ansible_connection: local', '      ansible_python_interpreter: /usr/bin/python3'];
/** job.yaml lines: one play on the local host with these task lines (indented as tasks). */
const playJob = (tasks: string[]): string[] => ['playbook:', '  - hosts: all', '    gather_facts: false', '    tasks:', ...tasks.map((t) => `      ${t}`), ...LOCAL_HOST];

describe('the automation-runner CLI against the real stack', () => {
  let stack: Stack;
  let work: string;
  let configHome: string;
  let api: ApiHandle | undefined; // an api started by a test, stopped at the end
  let runner: CliRunner;
  const start = (args: string[], options: CliOptions = {}): Running => runner.start(args, options);
  const cli = (args: string[], options: CliOptions = {}): Promise<CliRun> => runner.run(args, options);

  const writeFile = (name: string, lines: string[]): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  const createJob = async (file: string): Promise<string> => {
    const created = await cli(['jobs', 'create', '-f', file, '--json']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(created.stdout).id;
  };

  beforeAll(async () => {
    stack = await startStack();
    work = tempDir('runner-cli-');
    configHome = path.join(work, 'config');
    runner = new CliRunner(work, configHome);
  });
  afterAll(async () => {
    runner?.stopAll();
    await api?.stop();
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('logs in with --password-stdin and keeps the token in a 0600 file in a 0700 folder, never printed', async () => {
    const login = await cli(['login', '--url', stack.api.url, '--username', 'admin', '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('as admin (account DEMO');
    const file = path.join(configHome, 'automation-runner', 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(config).toMatchObject({ url: stack.api.url, accountAlias: 'DEMO', username: 'admin' });
    expect(config.token).toMatch(/\S{20,}/);
    expect(login.stdout + login.stderr).not.toContain(config.token);
    expect(login.stdout + login.stderr).not.toContain(ADMIN_PASSWORD);

    const wrong = await cli(['login', '--url', stack.api.url, '--username', 'admin', '--password-stdin'], { input: 'not-the-password\n' });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("didn't recognize the username or password");
    // A failed login leaves the saved one alone.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).token).toBe(config.token);
  });

  it('creates a job from job.yaml and runs it with --follow to SUCCESS: task lines with host results, exit 0', async () => {
    const file = writeFile('hello.yaml', [
      'description: hello from the CLI',
      'playbook:',
      '  - name: greet',
      '    hosts: all',
      '    gather_facts: false',
      '    tasks:',
      '      - name: say hello',
      '        ansible.builtin.debug:',
      '          msg: hello',
      '      - name: touch nothing',
      '        ansible.builtin.command: "true"',
      ...LOCAL_HOST,
    ]);
    const jobId = await createJob(file);
    const shown = await cli(['jobs', 'get', jobId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('ansible.builtin.debug'); // the playbook decoded, as YAML
    const listed = await cli(['jobs', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).results.map((j: any) => j.id)).toContain(jobId);

    const run = await cli(['run', jobId, '--follow']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('PLAY [greet]');
    expect(lines).toContain('TASK [say hello] ok: localhost');
    expect(lines).toContain('TASK [touch nothing] changed: localhost');
    expect(lines).toContain('-- RUNNING');
    expect(lines.some((l) => /^\s+localhost\s+ok=2 changed=1 unreachable=0 failed=0/.test(l))).toBe(true);
    expect(lines.filter(Boolean).at(-1)).toBe('Result: SUCCESS');
    // Each task once: a log gets the finished line, not the live redraws.
    expect(lines.filter((l) => l.startsWith('TASK [say hello]'))).toHaveLength(1);
  });

  it('runs a failing job (playbook from a file next to job.yaml) to a non-zero exit that names the failed host', async () => {
    writeFile('breaks.yml', [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: fine',
      '      ansible.builtin.debug: { msg: fine }',
      '    - name: break here',
      '      ansible.builtin.fail: { msg: "boom from the test" }',
    ]);
    const jobId = await createJob(writeFile('failing.yaml', ['description: fails', 'playbook: breaks.yml', ...LOCAL_HOST]));
    const run = await cli(['run', jobId, '--follow']);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('TASK [fine] ok: localhost');
    expect(lines).toContain('TASK [break here] failed: localhost (boom from the test)');
    expect(lines).toContain('Failed hosts: localhost');
    expect(lines).toContain('Result: FAILURE');

    // Following a run that has already ended replays it and ends at once, with the same exit code.
    const executionId = JSON.parse((await cli(['executions', 'list', jobId, '--json'])).stdout).results[0].execution_id;
    const replay = await cli(['executions', 'follow', jobId, executionId]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toBe(run.stdout);
    expect(lines).toContain("-- FAILURE: localhost failed at task 'break here': boom from the test");
  });

  it('prints records and the final execution as JSON lines with --json: every counter once, in order', async () => {
    const jobId = await createJob(
      writeFile('loop.yaml', [
        'playbook: |',
        '  - hosts: all',
        '    gather_facts: false',
        '    tasks:',
        '      - ansible.builtin.debug: { msg: "{{ item }}" }',
        '        loop: [1, 2, 3]',
        ...LOCAL_HOST,
      ]),
    );
    const run = await cli(['run', jobId, '--follow', '--json']);
    expect(run.code).toBe(0);
    const objects = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const final = objects.pop();
    expect(final).toMatchObject({ job_id: jobId, status: 'SUCCESS', failed_hosts: [] });
    const stored = await allRecords(stack.admin, 'DEMO', jobId, final.execution_id);
    expect(objects).toEqual(stored);
    expect(objects.map((r) => r.counter)).toEqual(stored.map((_, i) => i + 1));
  });

  it('says clearly when the job is missing, the token is bad, or the server is down', async () => {
    const missing = await cli(['run', randomUUID(), '--follow']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/Job \S+ not found\. "automation-runner jobs list" shows the jobs of account DEMO/);

    const badToken = await cli(['jobs', 'list'], { env: { AUTOMATION_RUNNER_TOKEN: 'rnr_not-a-real-token' } });
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toContain('The server refused the token');
    expect(badToken.stderr).not.toContain('rnr_not-a-real-token');

    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await cli(['jobs', 'list', '--url', closed]);
    expect(down.code).toBe(6);
    expect(down.stderr).toContain(`Cannot reach the automation-runner server at ${closed} (ECONNREFUSED)`);

    const usage = await cli(['jobs', 'create']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Missing --file');

    const invalid = await cli(['jobs', 'create', '-f', writeFile('invalid.yaml', ['description: x', 'playbook: "- hosts: all\\n"', 'hosts: [{ id: "no spaces allowed" }]'])]);
    expect(invalid.code).toBe(7);
    expect(invalid.stderr).toContain('hosts.0.id');
  });

  it('stops a long run: the follower ends with STOPPED and exit 3', async () => {
    const jobId = await createJob(
      writeFile('long.yaml', playJob(['- name: long', '  ansible.builtin.command: sleep 311.5'])),
    );
    const follower = start(['run', jobId, '--follow']);
    await until(() => processCommandLines().some((c) => c.includes('sleep 311.5')), 'the long task');
    const listed = await cli(['executions', 'list', jobId, '--json']);
    const executionId = JSON.parse(listed.stdout).results[0].execution_id;
    const stop = await cli(['executions', 'stop', jobId, executionId, '--expiry', '5']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('STOPPING');
    const followed = await follower.done;
    expect(followed.code).toBe(3);
    expect(followed.stdout).toContain('-- STOPPED');
    expect(followed.stdout.trim().split('\n').at(-1)).toBe('Result: STOPPED');
    const again = await cli(['executions', 'restart', jobId, executionId]);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain(`Cannot restart execution ${executionId}`);
  });

  it('creates a key pair: the private key only in the --out file (0600), never on the output', async () => {
    const out = path.join(work, 'ci-key');
    const created = await cli(['keypairs', 'create', 'ci-key', '--out', out, '--json']);
    expect(created.code).toBe(0);
    const answer = JSON.parse(created.stdout);
    expect(answer).toMatchObject({ alias: 'ci-key', privateKeyFile: out });
    expect(answer.privateKey).toBeUndefined();
    expect(answer.fingerprint).toMatch(/^SHA256:/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const privateKey = fs.readFileSync(out, 'utf8');
    expect(privateKey).toContain('PRIVATE KEY');
    expect(created.stdout).not.toContain(privateKey.split('\n')[1]);
    expect(fs.readFileSync(`${out}.pub`, 'utf8').trim()).toBe(answer.publicKey.trim());
    const again = await cli(['keypairs', 'create', 'ci-key', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already');
    const nowhere = await cli(['keypairs', 'deploy', 'ci-key', 'no-such-server', '--user', 'deploy']);
    expect(nowhere.code).toBe(5);
    expect(nowhere.stderr).toContain('Server no-such-server not found');
  });

  it('follows across an api restart: resubscribes after the last record it printed, none lost or repeated', async () => {
    const go = await PortGate.create();
    const jobId = await createJob(
      writeFile(
        'reconnect.yaml',
        playJob([
          '- { name: first, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 40) | list }}" }',
          `- { name: wait for go, ansible.builtin.wait_for: ${go.waitFor} }`,
          '- { name: second, ansible.builtin.debug: { msg: "{{ item }}" }, loop: "{{ range(0, 40) | list }}" }',
        ]),
      ),
    );
    const port = new URL(stack.api.url).port;
    const follower = start(['run', jobId, '--follow', '--json'], { env: { AUTOMATION_RUNNER_DEBUG: '1' } });
    const subscriptions = (): number[] => [...follower.stderr().matchAll(/debug: subscribed to execution \S+ after record (\d+)/g)].map((m) => Number(m[1]));
    await until(() => follower.stdout().includes('"task":"wait for go"'), 'the wait task on the follower');
    await stack.api.stop();
    api = await startApi(stack.db.url, { PORT: port });
    await until(() => subscriptions().length >= 2, 'the follower to subscribe again');
    await go.open();
    const followed = await follower.done;
    go.close();
    expect(followed.code).toBe(0);
    // Subscribed at the start from 0, then again after the restart from the last record printed.
    const [first, second] = subscriptions();
    expect(first).toBe(0);
    expect(second).toBeGreaterThan(40);
    expect(followed.stderr.replace(/debug: subscribed[^\n]*\n/g, '')).toBe('');
    const objects = followed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const final = objects.pop();
    expect(final.status).toBe('SUCCESS');
    const stored = await allRecords(stack.admin, 'DEMO', jobId, final.execution_id);
    expect(stored.length).toBeGreaterThan(second + 40);
    expect(objects.map((r) => r.counter)).toEqual(stored.map((_, i) => i + 1));
    expect(objects).toEqual(stored);
  });
});
