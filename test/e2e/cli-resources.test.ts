import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CLI, CliOptions, CliRun, CliRunner, until } from '../support/cli';
import { freePort } from '../support/free-port';
import { PortGate } from '../support/gate';
import { ApiClient } from '../support/http';
import { startPrefixProxy } from '../support/prefix-proxy';
import { ADMIN_PASSWORD, tempDir } from '../support/processes';
import { startSshd, TestSshd } from '../support/sshd';
import { Stack, startStack } from '../support/stack';

const LOCAL_HOST = ['hosts:', '  - id: localhost', '    hostVars:', '      ansible_connection: local', '      ansible_python_interpreter: /usr/bin/python3'];
const playJob = (tasks: string[]): string[] => ['playbook:', '  - hosts: all', '    gather_facts: false', '    tasks:', ...tasks.map((t) => `      ${t}`), ...LOCAL_HOST];

/** The header row of a table and the cells of each row (columns are two or more spaces apart). */
const tableOf = (stdout: string): { header: string[]; rows: string[][] } => {
  const [header, ...rows] = stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
  return { header, rows };
};

describe('the CLI covers the whole service (servers, schedules, service accounts, VPN, users, accounts, activity)', () => {
  let stack: Stack;
  let work: string;
  let runner: CliRunner;
  let sshd: TestSshd | undefined;
  const cli = (args: string[], options: CliOptions = {}): Promise<CliRun> => runner.run(args, options);

  /** Runs a command that must succeed and parses its --output json|yaml. */
  const parsed = async (args: string[], format: 'json' | 'yaml', options: CliOptions = {}): Promise<any> => {
    const result = await cli([...args, '--output', format], options);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return format === 'json' ? JSON.parse(result.stdout) : parseYaml(result.stdout);
  };
  /** The listing in all three formats: the items of the JSON and YAML answers, and the table. */
  const everyFormat = async (args: string[], options: CliOptions = {}): Promise<{ json: any[]; yaml: any[]; table: ReturnType<typeof tableOf> }> => {
    const items = (answer: any): any[] => (Array.isArray(answer) ? answer : answer.results);
    const json = items(await parsed(args, 'json', options));
    const yaml = items(await parsed(args, 'yaml', options));
    expect(yaml).toEqual(json);
    const table = await cli(args, options);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    // `--json` stays an alias of `--output json`.
    expect(items(JSON.parse((await cli([...args, '--json'], options)).stdout))).toEqual(json);
    return { json, yaml, table: tableOf(table.stdout) };
  };
  const writeFile = (name: string, lines: string[]): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const createJob = async (name: string, lines: string[], account = 'DEMO'): Promise<string> =>
    (await parsed(['jobs', 'create', '-f', writeFile(name, lines), '--account', account], 'json')).id;

  beforeAll(async () => {
    stack = await startStack();
    work = tempDir('runner-cli-resources-');
    // As in CI: no login, the URL, token and account from the environment.
    runner = new CliRunner(work, path.join(work, 'config'), {
      AUTOMATION_RUNNER_URL: stack.api.url,
      AUTOMATION_RUNNER_TOKEN: stack.admin.token,
      AUTOMATION_RUNNER_ACCOUNT: 'DEMO',
    });
  });
  afterAll(async () => {
    runner?.stopAll();
    await sshd?.stop();
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('registers, lists, shows and deletes servers; the bootstrap password is sent from stdin and never shown', async () => {
    const created = await parsed(['servers', 'create', 'web-1', '--ip', '127.0.0.1', '--port', '2222', '--group', 'web', '--password-stdin'], 'json', {
      input: 'bootstrap-secret-1\n',
    });
    expect(created).toMatchObject({ name: 'web-1', ipAddress: '127.0.0.1', port: 2222, group: 'web', hasPassword: true });
    expect(JSON.stringify(created)).not.toContain('bootstrap-secret-1');
    await parsed(['servers', 'create', 'db-1', '--ip', '::1', '--ssh-user', 'deploy', '--description', 'the database'], 'yaml');

    const { json, table } = await everyFormat(['servers', 'list']);
    expect(json.map((s) => s.name).sort()).toEqual(['db-1', 'web-1']);
    expect(table.header).toEqual(['NAME', 'ADDRESS', 'USER', 'GROUP', 'LOCATION', 'OS', 'DESCRIPTION']);
    expect(table.rows).toContainEqual(['web-1', '127.0.0.1:2222', 'root', 'web', '-', '-', '-']);
    expect(table.rows).toContainEqual(['db-1', '[::1]:22', 'deploy', 'Default Group', '-', '-', 'the database']);

    expect(await parsed(['servers', 'get', 'web-1'], 'yaml')).toMatchObject({ name: 'web-1', hasPassword: true });
    const shown = await cli(['servers', 'get', 'web-1']);
    expect(shown.stdout).toMatch(/^password +stored/m);
    expect(shown.stdout).not.toContain('bootstrap-secret-1');

    expect(await cli(['servers', 'delete', 'db-1'])).toMatchObject({ code: 0, stdout: 'Deleted server db-1.\n' });
    const gone = await cli(['servers', 'get', 'db-1']);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toContain('"automation-runner servers list" shows the servers of account DEMO');
  });

  it('refuses bad input with the server\'s reason (exit 7) or a usage error (exit 2), changing nothing', async () => {
    const bad = await cli(['servers', 'create', 'bad', '--ip', 'not-an-address']);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toMatch(/The server refused the request \(400\).*ipAddress/s);
    expect((await parsed(['servers', 'list'], 'json')).results.map((s: any) => s.name)).not.toContain('bad');

    const port = await cli(['servers', 'create', 'bad', '--ip', '127.0.0.1', '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be a whole number from 1 to 65535');
    const format = await cli(['servers', 'list', '--output', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--output must be table, json, yaml');
    const trigger = await cli(['schedules', 'create', '00000000-0000-4000-8000-000000000000', '--service-account', 'x']);
    expect(trigger.code).toBe(2);
    expect(trigger.stderr).toContain('Give exactly one of --cron EXPRESSION or --at DATE');

    // A password is never taken from argv; with no terminal to ask on, only --password-stdin gives one.
    const noPassword = await cli(['service-accounts', 'create', 'sa', '--username', 'admin']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('Use --password-stdin');
    const unknownJob = await cli(['schedules', 'list', '00000000-0000-4000-8000-000000000000']);
    expect(unknownJob.code).toBe(5);
    expect(unknownJob.stderr).toContain('"automation-runner jobs list" shows the jobs of account DEMO');
    const unknownVpn = await cli(['vpn', 'test', '00000000-0000-4000-8000-000000000000']);
    expect(unknownVpn.code).toBe(5);

    const notLoggedIn = await cli(['vpn', 'list'], { env: { AUTOMATION_RUNNER_TOKEN: '' } });
    expect(notLoggedIn.code).toBe(4);
    expect(notLoggedIn.stderr).toContain('Not logged in');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await cli(['users', 'list', '--url', closed]);
    expect(down.code).toBe(6);
    expect(down.stderr).toContain(`Cannot reach the automation-runner server at ${closed} (ECONNREFUSED)`);

    const help = await cli(['vpn', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: automation-runner vpn create NAME --network CIDR --gateway HOST[:PORT] --gateway-user USER --key-pair ALIAS');
    expect((await cli(['help', 'schedules'])).stdout).toContain('schedules enable JOB SCHEDULE');
  });

  it('creates service accounts (password from stdin, never shown) and schedules that show their next fire time', async () => {
    const sa = await parsed(['service-accounts', 'create', 'nightly', '--username', 'admin', '--password-stdin'], 'json', { input: `${ADMIN_PASSWORD}\n` });
    expect(sa).toMatchObject({ alias: 'nightly', username: 'admin' });
    const accounts = await everyFormat(['service-accounts', 'list']);
    expect(accounts.json.map((a) => a.alias)).toEqual(['nightly']);
    expect(accounts.table.header).toEqual(['ALIAS', 'USER', 'CREATED']);
    expect(accounts.table.rows[0].slice(0, 2)).toEqual(['nightly', 'admin']);
    expect(JSON.stringify(accounts.json) + accounts.table.rows.join()).not.toContain(ADMIN_PASSWORD);
    expect(await parsed(['service-accounts', 'get', 'nightly'], 'yaml')).toMatchObject({ alias: 'nightly' });

    const jobId = await createJob('scheduled.yaml', playJob(['- ansible.builtin.ping:']));
    // Once a year, so it never fires during the test and its next time is known.
    const schedule = await parsed(['schedules', 'create', jobId, '--cron', '0 3 1 1 *', '--service-account', 'nightly', '--description', 'new year'], 'json');
    const now = new Date();
    const year = now.getUTCFullYear() + (now.getUTCMonth() === 0 && now.getUTCDate() === 1 && now.getUTCHours() < 3 ? 0 : 1);
    expect(schedule).toMatchObject({ jobId, serviceAccountAlias: 'nightly', trigger: { type: 'cron', expression: '0 3 1 1 *' }, nextRunTime: Date.UTC(year, 0, 1, 3) });
    expect(schedule.timeZone).toBe('UTC');
    // A date is an instant: its time zone (kept, for showing it) does not move it.
    const once = await parsed(['schedules', 'create', jobId, '--at', `${year + 1}-06-01T12:00:00Z`, '--service-account', 'nightly', '--overlap', 'skip', '--time-zone', 'Asia/Tokyo'], 'yaml');
    expect(once).toMatchObject({ timeZone: 'Asia/Tokyo', nextRunTime: Date.UTC(year + 1, 5, 1, 12) });

    const listed = await everyFormat(['schedules', 'list', jobId]);
    expect(listed.json.map((s) => s.id).sort()).toEqual([schedule.id, once.id].sort());
    expect(listed.table.header).toEqual(['ID', 'TRIGGER', 'TIME ZONE', 'NEXT RUN', 'SERVICE ACCOUNT', 'OVERLAP', 'DESCRIPTION']);
    expect(listed.table.rows).toContainEqual([schedule.id, 'cron 0 3 1 1 *', 'UTC', `${year}-01-01 03:00:00Z`, 'nightly', 'allow', 'new year']);

    expect((await cli(['schedules', 'disable', jobId, schedule.id])).stdout).toBe(`Schedule ${schedule.id} disabled.\n`);
    expect(await parsed(['schedules', 'get', jobId, schedule.id], 'json')).toMatchObject({ enabled: false });
    expect(tableOf((await cli(['schedules', 'list', jobId])).stdout).rows).toContainEqual([schedule.id, 'cron 0 3 1 1 *', 'UTC', 'disabled', 'nightly', 'allow', 'new year']);
    expect((await cli(['schedules', 'enable', jobId, schedule.id])).stdout).toContain(`next run ${year}-01-01 03:00:00Z`);
    expect((await cli(['schedules', 'delete', jobId, once.id])).code).toBe(0);
    expect((await cli(['schedules', 'get', jobId, once.id])).code).toBe(5);

    // Another zone: 03:00 on 1 January in Berlin (CET) is 02:00 UTC; the rest of the schedule is kept.
    const berlinYear = Date.UTC(now.getUTCFullYear(), 0, 1, 2) > Date.now() ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
    const moved = await parsed(['schedules', 'update', jobId, schedule.id, '--time-zone', 'Europe/Berlin'], 'json');
    expect(moved).toMatchObject({ timeZone: 'Europe/Berlin', trigger: { type: 'cron', expression: '0 3 1 1 *' }, description: 'new year', enabled: true, nextRunTime: Date.UTC(berlinYear, 0, 1, 2) });
    expect(tableOf((await cli(['schedules', 'list', jobId])).stdout).rows).toContainEqual([schedule.id, 'cron 0 3 1 1 *', 'Europe/Berlin', `${berlinYear}-01-01 02:00:00Z`, 'nightly', 'allow', 'new year']);
    const badZone = await cli(['schedules', 'update', jobId, schedule.id, '--time-zone', 'Mars/Olympus']);
    expect(badZone.code).toBe(7);
    expect(badZone.stderr).toMatch(/The server refused the request \(400\).*timeZone.*must be an IANA time zone name/s);
    expect(await parsed(['schedules', 'get', jobId, schedule.id], 'json')).toMatchObject({ timeZone: 'Europe/Berlin' });
    const nothing = await cli(['schedules', 'update', jobId, schedule.id]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('Give --cron EXPRESSION, --at DATE or --time-zone ZONE');
  });

  it('adds VPN connections and tests them: status and latency of a real gateway, exit 1 for one that is down', async () => {
    sshd = await startSshd();
    const key = await parsed(['keypairs', 'create', 'gateway-key'], 'json');
    sshd.authorizeKey(key.publicKey);
    const vpn = await parsed(
      ['vpn', 'create', 'office', '--network', '169.254.213.0/30', '--gateway', `127.0.0.1:${sshd.port}`, '--gateway-user', sshd.user, '--key-pair', 'gateway-key'],
      'json',
    );
    expect(vpn).toMatchObject({ name: 'office', networks: ['169.254.213.0/30'], gateway: { host: '127.0.0.1', port: sshd.port, keyPairAlias: 'gateway-key' } });
    const closedPort = await freePort();
    const broken = await parsed(
      ['vpn', 'create', 'closed', '--network', '169.254.213.4/30', '--gateway', `127.0.0.1:${closedPort}`, '--gateway-user', 'root', '--key-pair', 'gateway-key'],
      'yaml',
    );

    const up = await cli(['vpn', 'test', vpn.id]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^VPN connection ${vpn.id}: up \\(latency [\\d.]+ ms\\)`));
    const upJson = await parsed(['vpn', 'test', vpn.id], 'json');
    expect(upJson).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
    const down = await cli(['vpn', 'test', broken.id]);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`VPN connection ${broken.id}: down`);

    const listed = await everyFormat(['vpn', 'list']);
    expect(listed.json.map((c) => c.name).sort()).toEqual(['closed', 'office']);
    expect(listed.table.header).toEqual(['ID', 'NAME', 'NETWORKS', 'GATEWAY', 'STATUS', 'CHECKED']);
    expect(listed.table.rows.find((r) => r[1] === 'office')?.slice(0, 5)).toEqual([vpn.id, 'office', '169.254.213.0/30', `${sshd.user}@127.0.0.1:${sshd.port}`, 'up']);
    expect(listed.table.rows.find((r) => r[1] === 'closed')?.[4]).toBe('down');
    expect(await parsed(['vpn', 'get', vpn.id], 'yaml')).toMatchObject({ status: 'up' });
    expect((await cli(['vpn', 'delete', broken.id])).code).toBe(0);
  });

  it('creates a sub-account and a user in it with roles; lists users and accounts in every format', async () => {
    const sub = await parsed(['accounts', 'create', 'CLISUB', '--name', 'CLI sub-account'], 'json');
    expect(sub).toMatchObject({ alias: 'CLISUB', parentAlias: 'DEMO' });
    const accounts = await everyFormat(['accounts', 'list']);
    expect(accounts.json).toContainEqual({ alias: 'CLISUB', name: 'CLI sub-account' });
    expect(accounts.table.header).toEqual(['ALIAS', 'NAME']);
    expect(accounts.table.rows).toContainEqual(['CLISUB', 'CLI sub-account']);
    expect(await parsed(['accounts', 'get', 'CLISUB'], 'yaml')).toMatchObject({ alias: 'CLISUB', parentAlias: 'DEMO' });
    expect((await cli(['accounts', 'get'])).stdout).toMatch(/^sub-accounts +CLISUB/m);

    const created = await parsed(['users', 'create', 'sub-admin', '--role', 'ServerAdmin', '--role', 'ServerOperator', '--account', 'CLISUB', '--password-stdin'], 'json', {
      input: 'sub-admin-password-1\n',
    });
    expect(created).toMatchObject({ userName: 'sub-admin', accountAlias: 'CLISUB' });
    expect(JSON.stringify(created)).not.toContain('sub-admin-password-1');
    const users = await everyFormat(['users', 'list', '--account', 'CLISUB']);
    expect(users.json.map((u) => u.userName)).toEqual(['sub-admin']);
    expect(users.table.header).toEqual(['USER', 'ROLES', 'CREATED']);
    expect(users.table.rows[0].slice(0, 2)).toEqual(['sub-admin', created.roles.join(',')]);
    const badRole = await cli(['users', 'create', 'x', '--role', 'Root', '--account', 'CLISUB', '--password-stdin'], { input: 'whatever-1\n' });
    expect(badRole.code).toBe(2);
    const changed = await parsed(['users', 'set-roles', 'sub-admin', '--role', 'AccountAdmin', '--account', 'CLISUB'], 'json');
    expect(changed).toMatchObject({ userName: 'sub-admin', roles: ['AccountAdmin'] });
    const own = await cli(['users', 'set-roles', 'admin', '--role', 'AccountViewer']);
    expect({ code: own.code, stderr: own.stderr }).toEqual({ code: 7, stderr: expect.stringContaining('You cannot change your own roles') });

    // The sub-account's user cannot reach its parent from the CLI either.
    const subToken = (await new ApiClient(stack.api.url).login('sub-admin', 'sub-admin-password-1')).bearerToken;
    const denied = await cli(['users', 'list', '--account', 'DEMO'], { env: { AUTOMATION_RUNNER_TOKEN: subToken } });
    expect(denied.code).toBe(4);
  });

  it('activity lists the runs of the account and its sub-accounts; a sub-account user never sees the parent\'s', async () => {
    const parentJob = await createJob('parent.yaml', playJob(['- ansible.builtin.ping:']));
    const subJob = await createJob('sub.yaml', playJob(['- ansible.builtin.fail: { msg: sub fails }']), 'CLISUB');
    expect((await cli(['run', parentJob, '--follow'])).code).toBe(0);
    expect((await cli(['run', subJob, '--follow', '--account', 'CLISUB'])).code).toBe(1);
    const [parentRun] = (await parsed(['executions', 'list', parentJob], 'json')).results;
    const [subRun] = (await parsed(['executions', 'list', subJob, '--account', 'CLISUB'], 'json')).results;

    const all = await everyFormat(['activity']);
    expect(all.json.map((e) => [e.execution_id, e.account_alias])).toEqual(expect.arrayContaining([[parentRun.execution_id, 'DEMO'], [subRun.execution_id, 'CLISUB']]));
    // A sub-account's run links to its own account's paths.
    expect(all.json.find((e) => e.execution_id === subRun.execution_id).links[0].href).toBe(`/v2/automation/jobs/CLISUB/${subJob}/executions/${subRun.execution_id}`);
    expect(all.table.header).toEqual(['EXECUTION', 'ACCOUNT', 'JOB', 'STATUS', 'STARTED', 'ENDED', 'FAILED HOSTS']);
    expect(all.table.rows.find((r) => r[0] === subRun.execution_id)).toEqual([subRun.execution_id, 'CLISUB', subJob, 'FAILURE', expect.any(String), expect.any(String), 'localhost']);
    const failures = await parsed(['activity', '--status', 'FAILURE'], 'json');
    expect(failures.results.map((e: any) => e.status)).toEqual(failures.results.map(() => 'FAILURE'));
    expect(failures.results.map((e: any) => e.execution_id)).toContain(subRun.execution_id);
    expect((await parsed(['activity', '--job', parentJob], 'json')).results.map((e: any) => e.execution_id)).toEqual([parentRun.execution_id]);

    // The sub-account's user: its own account's runs only, the parent's refused, over REST and the CLI.
    const sub = new ApiClient(stack.api.url);
    await sub.login('sub-admin', 'sub-admin-password-1');
    const own = await sub.get('/v2/automation/jobs/CLISUB/executions?includeSubAccounts=true&size=100');
    expect(own.status).toBe(200);
    expect(own.body.results.map((e: any) => e.account_alias)).toEqual(own.body.results.map(() => 'CLISUB'));
    expect(own.body.results.map((e: any) => e.execution_id)).not.toContain(parentRun.execution_id);
    expect((await sub.get('/v2/automation/jobs/DEMO/executions?includeSubAccounts=true')).status).toBe(403);
    const viaCli = await cli(['activity', '--account', 'DEMO'], { env: { AUTOMATION_RUNNER_TOKEN: sub.token } });
    expect(viaCli.code).toBe(4);
    const bad = await stack.admin.get('/v2/automation/jobs/DEMO/executions?includeSubAccounts=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('includeSubAccounts');
    const openapi = (await stack.admin.get('/v2/openapi.json')).body;
    const parameter = openapi.paths['/v2/automation/jobs/{alias}/executions'].get.parameters.find((p: any) => p.name === 'includeSubAccounts');
    expect(parameter).toMatchObject({ in: 'query', required: false, schema: { enum: ['true', 'false'] } });
    expect(parameter.description).toContain('sub-accounts');
  });

  it('activity --follow prints a sub-account\'s run as it starts and as it ends, until Ctrl-C', async () => {
    const gate = await PortGate.create();
    const jobId = await createJob('gated.yaml', playJob([`- { name: wait for go, ansible.builtin.wait_for: ${gate.waitFor} }`]), 'CLISUB');
    const follower = runner.start(['activity', '--follow']);
    await until(() => follower.stdout().startsWith('TIME'), 'the activity header');
    const started = JSON.parse((await cli(['run', jobId, '--account', 'CLISUB', '--json'])).stdout).execution_id;
    const linesOf = (status: string): string[] => follower.stdout().split('\n').filter((l) => l.includes(started) && new RegExp(`Z  ${status} +CLISUB +${jobId}  ${started}`).test(l));
    await until(() => linesOf('RUNNING').length > 0, 'the run to show as RUNNING');
    expect(linesOf('SUCCESS')).toEqual([]);
    await gate.open();
    await until(() => linesOf('SUCCESS').length > 0, 'the run to show as SUCCESS');
    gate.close();
    // Each change once.
    expect(linesOf('RUNNING')).toHaveLength(1);
    expect(linesOf('SUCCESS')).toHaveLength(1);
    follower.child.kill('SIGINT');
    const ended = await follower.done;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain('Stopped following the activity.');
  });

  it('works behind a URL with a path prefix: REST and socket.io both go through /prefix', async () => {
    const proxy = await startPrefixProxy(stack.api.url, '/tools/runner');
    try {
      const env = { AUTOMATION_RUNNER_URL: proxy.url };
      const servers = await parsed(['servers', 'list'], 'json', { env });
      expect(servers.results.map((s: any) => s.name)).toContain('web-1');
      const jobId = await createJob('prefixed.yaml', playJob(['- ansible.builtin.debug: { msg: through the proxy }']));
      const run = await cli(['run', jobId, '--follow'], { env });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Result: SUCCESS');
      expect(proxy.requests.some((p) => p.startsWith(`/tools/runner/v2/automation/jobs/DEMO/${jobId}/start`))).toBe(true);
      expect(proxy.upgrades.some((p) => p.startsWith('/tools/runner/socket.io/'))).toBe(true);
      expect(proxy.refused).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('prints a bash completion script that loads and completes commands, subcommands, flags and values', () => {
    const complete = (words: string[]): string =>
      execFileSync(
        'bash',
        ['-c', `source <("${process.execPath}" "${CLI}" completion bash) && complete -p automation-runner && COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _automation_runner; echo "[\${COMPREPLY[*]}]"`],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: work } },
      );
    expect(complete(['automation-runner', 'se'])).toBe('complete -F _automation_runner automation-runner\n[servers service-accounts]\n');
    expect(complete(['automation-runner', 'vpn', ''])).toContain('[list get create test delete]');
    expect(complete(['automation-runner', '--output', 'json', 'schedules', 'c'])).toContain('[create]');
    expect(complete(['automation-runner', 'activity', '--st'])).toContain('[--status]');
    expect(complete(['automation-runner', 'activity', '--status', 'FA'])).toContain('[FAILURE]');
    expect(complete(['automation-runner', 'users', 'list', '--output', ''])).toContain('[table json yaml]');
  });
});
