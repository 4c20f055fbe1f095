import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiClient, b64 } from '../support/http';
import { ADMIN_PASSWORD, ROOT, tempDir } from '../support/processes';
import { startSshd, TestSshd } from '../support/sshd';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { UnixUsers } from '../support/unix-users';

// The Ansible collection ctl.runner, driven by the real ansible-playbook from outside the service
// (as a user's laptop or CI would), against the real api, worker, PostgreSQL and an sshd on loopback.
const COLLECTIONS = path.join(ROOT, 'collection');
// The provisioning tests run Ansible several times (one login per task, scrypt on the api) and, in a
// run, a run inside a run: more than Jest's default on a loaded 2-core machine.
const USER_PASSWORD = 'lab-User-Pa55word!';

const PROVISION = `
- name: provision a server record, deploy a key and run a job on it
  hosts: localhost
  gather_facts: false
  tasks:
    - name: register the lab server
      ctl.runner.server:
        name: lab-1
        ip_address: 127.0.0.1
        port: "{{ sshd_port | int }}"
        username: "{{ ssh_user }}"
        password: "{{ ssh_password }}"
        group: App Servers
        location_id: LAB1
        host_vars:
          ansible_python_interpreter: /usr/bin/python3

    - name: generate a key pair and deploy it for the lab user
      ctl.runner.keypair:
        alias: lab-key
        deploy_to:
          - server: lab-1
            usernames: ["{{ ssh_user }}"]
        private_key_path: "{{ key_path }}"

    - name: a job on the registered servers with that key pair
      ctl.runner.job:
        description: collection e2e job
        key_pair_alias: lab-key
        use_dynamic_inventory: true
        playbook: |
          - hosts: App_Servers
            gather_facts: false
            tasks:
              - name: who
                ansible.builtin.command: id -un
                register: who
              - ansible.builtin.debug:
                  var: who.stdout
      register: job

    - name: run the job
      ctl.runner.job_run:
        job_id: "{{ job.job_id }}"
        timeout: 300
        poll_interval: 0.5
      register: run
      when: not ansible_check_mode

    - name: read the run back
      ctl.runner.execution_info:
        job_id: "{{ job.job_id }}"
        execution_id: "{{ run.execution_id }}"
      register: ran
      when: not ansible_check_mode

    - name: read the server back
      ctl.runner.server_info:
        name: lab-1
      register: servers

    - name: the run succeeded on lab-1
      ansible.builtin.assert:
        that:
          - run.status == 'SUCCESS'
          - ran.executions[0].status == 'SUCCESS'
          - "'lab-1' in run.host_summaries"
          - run.failed_hosts == []
          - servers.servers[0].hasPassword
      when: not ansible_check_mode
`;

const PING = `
- hosts: App_Servers
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
`;

interface AnsibleResult {
  status: number | null;
  output: string;
  /** Task names whose result was "changed", in order. */
  changedTasks: string[];
  recap: Record<string, number>;
}

describe('the ctl.runner collection against the real service', () => {
  let stack: Stack;
  let client: ApiClient;
  let sshd: TestSshd;
  let users: UnixUsers;
  let labUser: string;
  let work: string;

  beforeAll(async () => {
    users = new UnixUsers();
    labUser = users.create({ password: USER_PASSWORD });
    sshd = await startSshd({ passwordAuth: true });
    stack = await startStack({ RUNNER_POLL_INTERVAL_MS: '300' });
    client = stack.admin;
    work = tempDir('collection-e2e-');
    fs.writeFileSync(path.join(work, 'provision.yml'), PROVISION);
    fs.writeFileSync(path.join(work, 'ping.yml'), PING);
  });
  afterAll(async () => {
    await stack?.stop();
    await sshd?.stop();
    users?.removeAll();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /**
   * Runs an ansible command with the connection in the environment, as a user outside the service
   * would. Asynchronously: a blocked event loop would let the test's HTTP client reuse a keep-alive
   * socket the api closed meanwhile.
   */
  async function ansible(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<AnsibleResult> {
    const child = spawn(command, args, {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        ANSIBLE_COLLECTIONS_PATH: COLLECTIONS,
        ANSIBLE_LOCAL_TEMP: path.join(work, 'tmp'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_FORCE_COLOR: '0',
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_RETRY_FILES_ENABLED: 'False',
        ANSIBLE_LOCALHOST_WARNING: 'False',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
        RUNNER_API_URL: stack.api.url,
        RUNNER_USERNAME: 'admin',
        RUNNER_PASSWORD: ADMIN_PASSWORD,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    const output = `${stdout}\n${stderr}`;
    const changedTasks: string[] = [];
    for (const block of output.split(/^TASK \[/m).slice(1)) {
      if (/^changed: /m.test(block)) changedTasks.push(block.slice(0, block.indexOf(']')));
    }
    const recap: Record<string, number> = {};
    const line = output.match(/^localhost\s+:\s+(.*)$/m);
    for (const [, key, value] of (line?.[1] ?? '').matchAll(/(\w+)=(\d+)/g)) recap[key] = Number(value);
    return { status, output, changedTasks, recap };
  }

  const provision = (...extra: string[]) =>
    ansible('ansible-playbook', [
      'provision.yml',
      '-e',
      JSON.stringify({ sshd_port: sshd.port, ssh_user: labUser, ssh_password: USER_PASSWORD, key_path: path.join(work, 'lab-key') }),
      ...extra,
    ]);

  it('in check mode reports every change, shows the diff, and changes nothing', async () => {
    const checked = await provision('--check', '--diff');
    expect({ status: checked.status, recap: checked.recap }).toMatchObject({ status: 0, recap: { failed: 0 } });
    expect(checked.changedTasks).toEqual(['register the lab server', 'generate a key pair and deploy it for the lab user', 'a job on the registered servers with that key pair']);
    expect(checked.output).toContain('"ipAddress": "127.0.0.1"');
    expect(checked.output).not.toContain(USER_PASSWORD);
    expect((await client.get('/v2/servers/DEMO')).body.totalSize).toBe(0);
    expect((await client.get('/v2/automation/keypairs/DEMO')).body).toEqual([]);
    expect((await client.get('/v2/automation/jobs/DEMO')).body.totalSize).toBe(0);
    expect(fs.existsSync(path.join(work, 'lab-key'))).toBe(false);
  });

  it('provisions the server, deploys the key, creates the job and runs it to SUCCESS; the second run changes nothing but starts a run', async () => {
    const first = await provision();
    expect({ status: first.status, recap: first.recap }).toMatchObject({ status: 0, recap: { failed: 0 } });
    expect(first.changedTasks).toEqual([
      'register the lab server',
      'generate a key pair and deploy it for the lab user',
      'a job on the registered servers with that key pair',
      'run the job',
    ]);
    // The secrets of the run never reach the output.
    const privateKey = fs.readFileSync(path.join(work, 'lab-key'), 'utf8');
    expect(privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(fs.statSync(path.join(work, 'lab-key')).mode & 0o777).toBe(0o600);
    expect(first.output).not.toContain(privateKey.split('\n')[1]);
    expect(first.output).not.toContain(USER_PASSWORD);
    expect(first.output).not.toContain(ADMIN_PASSWORD);

    // What the API says now.
    const server = (await client.get('/v2/servers/DEMO/lab-1')).body;
    expect(server).toMatchObject({ ipAddress: '127.0.0.1', port: sshd.port, username: labUser, group: 'App Servers', locationId: 'LAB1', hasPassword: true });
    expect((await client.get('/v2/automation/keypairs/DEMO/lab-key')).body.deployedServers).toEqual([{ serverId: 'lab-1', usernames: [labUser] }]);
    expect(users.authorizedKeys(labUser)).toContain((await client.get('/v2/automation/keypairs/DEMO/lab-key')).body.publicKey.split(' ')[1]);
    const jobs = (await client.get('/v2/automation/jobs/DEMO')).body.results;
    expect(jobs).toHaveLength(1);
    const runs = (await client.get(`/v2/automation/jobs/DEMO/${jobs[0].id}/executions`)).body.results;
    expect(runs.map((r: any) => r.status)).toEqual(['SUCCESS']);
    expect(Object.keys(runs[0].host_summaries)).toEqual(['lab-1']);
    const transcript = (await client.get(`/v2/automation/jobs/DEMO/${jobs[0].id}/executions/${runs[0].execution_id}/stdout`)).body;
    expect(transcript).toContain(`"who.stdout": "${labUser}"`);

    // Idempotence: the same playbook again changes nothing; only the start of a run is (by nature) a change.
    const second = await provision();
    expect({ status: second.status, recap: second.recap }).toMatchObject({ status: 0, recap: { failed: 0, changed: 1 } });
    expect(second.changedTasks).toEqual(['run the job']);
    expect((await client.get('/v2/automation/jobs/DEMO')).body.totalSize).toBe(1);
    expect((await client.get(`/v2/automation/jobs/DEMO/${jobs[0].id}/executions`)).body.results.map((r: any) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(fs.readFileSync(path.join(work, 'lab-key'), 'utf8')).toBe(privateKey);
    // And so does check mode now.
    const checked = await provision('--check');
    expect(checked.changedTasks).toEqual([]);
  }, 300_000);

  it('fails the task with the API\'s message, and a failed run fails the task with its status', async () => {
    fs.writeFileSync(
      path.join(work, 'bad.yml'),
      `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: a bad server
      ctl.runner.server:
        name: bad name
        ip_address: 127.0.0.1
      register: bad
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - bad is failed
          - "'POST /v2/servers/DEMO answered 400' in bad.msg"
          - "'name' in bad.msg"
    - name: a job that fails
      ctl.runner.job:
        description: failing job
        hosts: [{id: localhost, hostVars: {ansible_connection: local}}]
        vault_passwords: {default: collection-vault-password}
        playbook: |
          - hosts: all
            gather_facts: false
            tasks:
              - ansible.builtin.set_stats: {data: {stage: before the failure}}
              - ansible.builtin.fail: {msg: on purpose}
      register: failing
    - name: run it
      ctl.runner.job_run:
        job_id: "{{ failing.job_id }}"
        poll_interval: 0.5
      register: failed_run
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - failed_run is failed
          - failed_run.status == 'FAILURE'
          - failed_run.failed_hosts == ['localhost']
          - "failed_run.artifacts == {'run': {'stage': 'before the failure'}, 'hosts': {}}"
          - "failing.job.vaultPasswords == {'default': '$encrypted$'}"
    - name: run it again, not failing the task
      ctl.runner.job_run:
        job_id: "{{ failing.job_id }}"
        fail_on_failure: false
        poll_interval: 0.5
      register: tolerated
    - ansible.builtin.assert:
        that:
          - tolerated is not failed
          - tolerated.status == 'FAILURE'
    - name: delete the job
      ctl.runner.job:
        description: failing job
        state: absent
      register: gone
    - name: delete it again
      ctl.runner.job:
        description: failing job
        state: absent
      register: gone_again
    - ansible.builtin.assert:
        that:
          - gone is changed
          - gone_again is not changed
`,
    );
    const result = await ansible('ansible-playbook', ['bad.yml']);
    expect({ status: result.status, recap: result.recap }).toMatchObject({ status: 0, recap: { failed: 0, ignored: 2 } });
    expect((await client.get('/v2/automation/jobs/DEMO')).body.results.map((j: any) => j.description)).not.toContain('failing job');
  });

  it('lists the servers as an inventory grouped by group and location, and a playbook reaches the sshd with the deployed key', async () => {
    const inventory = path.join(work, 'lab.runner.yml');
    fs.writeFileSync(inventory, 'plugin: ctl.runner.servers\n');
    const graph = await ansible('ansible-inventory', ['-i', inventory, '--graph']);
    expect(graph.status).toBe(0);
    expect(graph.output).toMatch(/@App_Servers:\n[\s|]*--lab-1/);
    expect(graph.output).toMatch(/@LAB1:\n[\s|]*--lab-1/);
    expect(graph.output).toMatch(/@account_DEMO:\n[\s|]*--lab-1/);

    const host = await ansible('ansible-inventory', ['-i', inventory, '--host', 'lab-1']);
    expect(JSON.parse(host.output.slice(host.output.indexOf('{')))).toMatchObject({
      ansible_host: '127.0.0.1',
      ansible_port: sshd.port,
      ansible_user: labUser,
      ansible_python_interpreter: '/usr/bin/python3',
      runner_group: 'App Servers',
      runner_location_id: 'LAB1',
    });

    const ping = await ansible('ansible-playbook', ['-i', inventory, 'ping.yml', '--private-key', path.join(work, 'lab-key')]);
    expect(ping.status).toBe(0);
    expect(ping.output).toMatch(/^lab-1\s+:\s+ok=1\s+changed=0\s+unreachable=0\s+failed=0/m);
  });

  // The run's own environment carries RUNNER_API_URL, RUNNER_API_TOKEN (a token minted for the run)
  // and RUNNER_ACCOUNT_ALIAS, and <repo>/collection is on ANSIBLE_COLLECTIONS_PATH: a job's playbook
  // drives the platform with no credentials and no configuration.
  it('inside a run, a playbook that uses only the collection, with nothing configured, creates a server record and reads it back', async () => {
    const playbook = `
- hosts: localhost
  gather_facts: false
  tasks:
    - ctl.runner.server:
        name: from-a-run
        ip_address: 192.0.2.10
        group: Made In Runs
    - ctl.runner.server_info:
        name: from-a-run
      register: read
    - ansible.builtin.assert:
        that:
          - read.servers[0].group == 'Made In Runs'
`;
    const { path: executionPath } = await createAndStart(client, 'DEMO', {
      playbook: b64(playbook),
      hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } }],
    });
    const done = await waitForStatus(client, executionPath);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    expect((await client.get('/v2/servers/DEMO/from-a-run')).body).toMatchObject({ ipAddress: '192.0.2.10', group: 'Made In Runs' });
  });

  it('the provisioning playbook as a job inside the service: no credentials, SUCCESS, and a second run changes only the run', async () => {
    // An account of its own, so the names the playbook uses are free; the run's token acts for it.
    expect((await client.post('/v2/accounts/DEMO', { alias: 'INRUN', name: 'collection in a run' })).status).toBe(201);
    const job = await client.post('/v2/automation/jobs/INRUN', {
      playbook: b64(PROVISION),
      hosts: [{ id: 'localhost', hostVars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } }],
      properties: { sshd_port: sshd.port, ssh_user: labUser, key_path: '/tmp/lab-key' },
      secretProperties: { ssh_password: USER_PASSWORD },
    });
    expect(job.status).toBe(201);
    const changedTasks = async (): Promise<string[]> => {
      const started = await client.post(`/v2/automation/jobs/INRUN/${job.body.id}/start`, {});
      const done = await waitForStatus(client, `/v2/automation/jobs/INRUN/${job.body.id}/executions/${started.body.execution_id}`, undefined, 240_000);
      expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
      const records = await allRecords(client, 'INRUN', job.body.id, started.body.execution_id);
      return records.filter((r) => r.event_type === 'runner_on_ok' && r.changed).map((r) => r.task);
    };
    expect(await changedTasks()).toEqual([
      'register the lab server',
      'generate a key pair and deploy it for the lab user',
      'a job on the registered servers with that key pair',
      'run the job',
    ]);
    expect((await client.get('/v2/automation/keypairs/INRUN/lab-key')).body.deployedServers).toEqual([{ serverId: 'lab-1', usernames: [labUser] }]);
    expect(await changedTasks()).toEqual(['run the job']);
  }, 300_000);
});
