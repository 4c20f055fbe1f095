import { createHash } from 'node:crypto';
import { b64 } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';

// Secret variables (README "Secret variables"): Ansible's password variables and a job's
// `secretProperties` are sealed at rest, shown as "$encrypted$", and masked in everything a run
// leaves behind, however a playbook prints them.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const DB_PASSWORD = 'Sup3r/s3cret db"pw+';
const BECOME_PASSWORD = 'become-Pa55word-xyz';
const HOST_PASSWORD = 'host-Pa55word-for-web';
const RUN_SECRET = 'run-only-t0ken-9f8e7d';
const SERVER_PASSWORD = 'server-bec0me-Pa55';
const LEGACY_PASSWORD = 'legacy-clear-Pa55';
const SECRETS = [DB_PASSWORD, BECOME_PASSWORD, HOST_PASSWORD, RUN_SECRET, SERVER_PASSWORD, LEGACY_PASSWORD];
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Every form of every secret a careless playbook might print: none may survive anywhere. */
function leakedForms(text: string): string[] {
  const forms: string[] = [];
  for (const secret of SECRETS) {
    const bytes = Buffer.from(secret);
    // Its first 8 characters catch it escaped any number of times (JSON inside JSON).
    forms.push(secret.slice(0, 8), encodeURIComponent(secret), bytes.toString('hex'), bytes.toString('hex').toUpperCase());
    // The base64 characters that depend on the secret alone, at each alignment.
    for (const before of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
      forms.push(encoded.slice(Math.ceil((before * 8) / 6), Math.floor(((before + bytes.length) * 8) / 6)));
    }
  }
  return forms.filter((form) => text.includes(form));
}

const PLAYBOOK = b64(
  [
    '- hosts: all',
    '  gather_facts: false',
    '  tasks:',
    '    - name: the real values reached Ansible',
    '      ansible.builtin.assert:',
    '        that:',
    `          - db_password | hash('sha256') == '${sha256(DB_PASSWORD)}'`,
    `          - ansible_become_password | hash('sha256') == '${sha256(BECOME_PASSWORD)}'`,
    `          - ansible_password | hash('sha256') == '${sha256(HOST_PASSWORD)}'`,
    `          - run_secret | hash('sha256') == '${sha256(RUN_SECRET)}'`,
    '    - ansible.builtin.debug:',
    '        msg: "plain {{ db_password }} {{ ansible_become_password }} {{ ansible_password }} {{ run_secret }}"',
    '    - ansible.builtin.debug:',
    '        msg: "b64 {{ db_password | b64encode }} {{ (\'x\' ~ db_password) | b64encode }} {{ (\'xy\' ~ run_secret) | b64encode }}"',
    '    - ansible.builtin.debug:',
    '        msg: "url {{ db_password | urlencode }} json {{ db_password | to_json }} {{ {\'p\': ansible_password} | to_json }}"',
    '    - name: wrapped base64 and hex from a shell',
    '      ansible.builtin.shell: |',
    '        printf "%s" "header: $S" | base64 -w 12',
    '        printf "%s" "$S" | od -An -tx1 | tr -d " \\n"',
    '        echo',
    '      environment:',
    '        S: "{{ db_password }}"',
    '      register: shell',
    '    - ansible.builtin.debug:',
    '        var: shell.stdout_lines',
    '    - name: a failure that quotes a secret',
    '      ansible.builtin.fail:',
    '        msg: "could not log in with {{ ansible_become_password }}"',
    '      ignore_errors: true',
    '',
  ].join('\n'),
);

describe('secret variables', () => {
  let stack: Stack;
  const base = '/v2/automation/jobs/DEMO';

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const job = () => ({
    description: 'secrets',
    playbook: PLAYBOOK,
    hosts: [{ id: 'localhost', hostVars: { ...LOCAL, ansible_password: HOST_PASSWORD } }],
    properties: { greeting: 'hello', ansible_become_password: BECOME_PASSWORD },
    secretProperties: { db_password: DB_PASSWORD },
  });

  it('are sealed, shown as "$encrypted$", kept by a PUT that sends that back, and reach the run masked in every form', async () => {
    const admin = stack.admin;
    const created = await admin.post(base, job());
    expect(created.status).toBe(201);
    const shown = {
      hosts: [{ id: 'localhost', hostVars: { ...LOCAL, ansible_password: '$encrypted$' } }],
      properties: { greeting: 'hello', ansible_become_password: '$encrypted$' },
      secretProperties: { db_password: '$encrypted$' },
    };
    expect(created.body).toMatchObject(shown);

    // GET → change → PUT with "$encrypted$" keeps every stored value.
    const got = (await admin.get(`${base}/${created.body.id}`)).body;
    expect(got).toMatchObject(shown);
    const { hosts, properties, secretProperties, playbook } = got;
    const updated = await admin.put(`${base}/${got.id}`, { description: 'changed', hosts, properties, secretProperties, playbook });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ...shown, description: 'changed' });

    const [row] = await stack.db.query<{ definition: object; sealed_secrets: string }>('SELECT definition, sealed_secrets FROM jobs WHERE id = $1', [got.id]);
    expect(leakedForms(JSON.stringify(row))).toEqual([]);

    const started = await admin.post(`${base}/${got.id}/start`, { secretProperties: { run_secret: RUN_SECRET } });
    expect(started.status).toBe(202);
    const path = `${base}/${got.id}/executions/${started.body.execution_id}`;
    const done = await waitForStatus(admin, path);
    const records = await allRecords(admin, 'DEMO', got.id, started.body.execution_id);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    expect(records.some((r) => r.event_type === 'runner_on_ok' && r.task === 'the real values reached Ansible')).toBe(true);

    // Everything a user or a program can read back, and what the service stored and logged.
    const stdout = (await admin.get(`${path}/stdout`)).body;
    expect(stdout).toContain('********');
    const answers = await Promise.all(
      [`${base}/${got.id}`, base, `${base}/${got.id}/executions`, `${base}/executions`, path, `${path}/stdout`, `/v2/automation/status/DEMO/job/${got.id}`].map((p) =>
        admin.get(p).then((r) => JSON.stringify(r.body)),
      ),
    );
    const [execution] = await stack.db.query('SELECT request, sealed_secrets, reason FROM executions WHERE id = $1', [started.body.execution_id]);
    const stored = await stack.db.query('SELECT message, stdout, event_data FROM status_records WHERE execution_id = $1', [started.body.execution_id]);
    const transcript = await stack.db.query('SELECT text FROM execution_output WHERE execution_id = $1', [started.body.execution_id]);
    const everything = [...answers, ...[records, execution, stored, transcript].map((x) => JSON.stringify(x)), stack.api.process.output(), stack.worker.output()].join('\n');
    expect(leakedForms(everything)).toEqual([]);
  });

  it('refuses short secrets, "$encrypted$" with nothing stored, and a name both plain and secret, changing nothing', async () => {
    const admin = stack.admin;
    const before = (await admin.get(base)).body.totalSize;
    const cases: [object, RegExp][] = [
      [{ ...job(), secretProperties: { db_password: 'short' } }, /secretProperties\.db_password.*at least 8/],
      [{ ...job(), properties: { ansible_become_password: 1234567890 } }, /properties\.ansible_become_password.*string/],
      [{ ...job(), hosts: [{ id: 'localhost', hostVars: { ansible_password: '$encrypted$' } }] }, /hosts\.0\.hostVars\.ansible_password.*no value is stored/],
      [{ ...job(), properties: { db_password: 'x' } }, /secretProperties\.db_password.*either plain or secret/],
    ];
    for (const [body, message] of cases) {
      const reply = await admin.post(base, body);
      expect({ status: reply.status, message: reply.body.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect((await admin.get(base)).body.totalSize).toBe(before);

    const created = (await admin.post(base, job())).body;
    const start = await admin.post(`${base}/${created.id}/start`, { properties: { ansible_password: '$encrypted$' } });
    expect({ status: start.status, message: start.body.message }).toEqual({ status: 400, message: expect.stringMatching(/properties\.ansible_password.*no value is stored/) });
    expect((await admin.get(`${base}/${created.id}/executions`)).body.totalSize).toBe(0);
  });

  it('a PUT that leaves a secret out removes it', async () => {
    const admin = stack.admin;
    const created = (await admin.post(base, job())).body;
    const updated = await admin.put(`${base}/${created.id}`, { ...job(), secretProperties: undefined, properties: { greeting: 'hi' } });
    expect(updated.status).toBe(200);
    expect(updated.body.secretProperties).toBeUndefined();
    expect(updated.body.properties).toEqual({ greeting: 'hi' });
    const again = await admin.put(`${base}/${created.id}`, { ...job(), secretProperties: { db_password: '$encrypted$' } });
    expect({ status: again.status, message: again.body.message }).toEqual({ status: 400, message: expect.stringMatching(/no value is stored/) });
  });

  // Registered servers' hostVars (README "Secret variables"): the same rule as a job's hosts, for
  // runs with useDynamicInventory. A clear value stored before servers sealed theirs (legacy) is
  // hidden too, still reaches runs, and is sealed by the next write.
  it('seals secret hostVars of servers, shows "$encrypted$", keeps it on PATCH, and puts it back (masked) in dynamic inventory runs', async () => {
    const admin = stack.admin;
    const servers = '/v2/servers/DEMO';
    const hostVars = { ...LOCAL, ansible_become_password: SERVER_PASSWORD };
    const shown = { ...LOCAL, ansible_become_password: '$encrypted$' };
    const created = await admin.post(servers, { name: 'vault-box', ipAddress: '127.0.0.1', hostVars });
    expect({ status: created.status, hostVars: created.body.hostVars }).toEqual({ status: 201, hostVars: shown });
    expect((await admin.get(`${servers}/vault-box`)).body.hostVars).toEqual(shown);
    const rowOf = async (name: string) => (await stack.db.query<{ host_vars: object; sealed_host_vars: string | null }>('SELECT host_vars, sealed_host_vars FROM servers WHERE name = $1', [name]))[0];
    const stored = await rowOf('vault-box');
    expect(stored.host_vars).toEqual(shown);
    expect(stored.sealed_host_vars).toMatch(/^v2\./);

    // GET → change → PATCH with "$encrypted$" keeps the stored value (the run below proves it).
    const kept = await admin.request('PATCH', `${servers}/vault-box`, [{ op: 'set', member: 'hostVars', value: { ...shown, note: 'kept' } }]);
    expect({ status: kept.status, hostVars: kept.body.hostVars }).toEqual({ status: 200, hostVars: { ...shown, note: 'kept' } });

    // Short, or "$encrypted$" with nothing stored: 400, and nothing changed.
    const before = await rowOf('vault-box');
    const refused: [string, unknown, RegExp][] = [
      ['PATCH', [{ op: 'set', member: 'hostVars', value: { ...LOCAL, ansible_become_password: 'short' } }], /hostVars\.ansible_become_password.*at least 8/],
      ['PATCH', [{ op: 'set', member: 'hostVars', value: { ...shown, ansible_password: '$encrypted$' } }], /hostVars\.ansible_password.*no value is stored/],
      ['POST', { name: 'new-box', ipAddress: '127.0.0.1', hostVars: { ansible_password: '$encrypted$' } }, /hostVars\.ansible_password.*no value is stored/],
      ['POST', { name: 'new-box', ipAddress: '127.0.0.1', hostVars: { ansible_password: 12345678 } }, /hostVars\.ansible_password.*string/],
    ];
    for (const [method, body, message] of refused) {
      const reply = await admin.request(method, method === 'POST' ? servers : `${servers}/vault-box`, body);
      expect({ status: reply.status, message: reply.body.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect(await rowOf('vault-box')).toEqual(before);
    expect((await admin.get(`${servers}/new-box`)).status).toBe(404);

    // A server whose clear secret predates sealing: hidden from GET, still used by runs.
    expect((await admin.post(servers, { name: 'legacy-box', ipAddress: '127.0.0.1', hostVars: LOCAL })).status).toBe(201);
    await stack.db.query(`UPDATE servers SET host_vars = host_vars || jsonb_build_object('ansible_become_password', $1::text) WHERE name = 'legacy-box'`, [LEGACY_PASSWORD]);
    expect((await admin.get(`${servers}/legacy-box`)).body.hostVars).toEqual(shown);

    const playbook = b64(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  vars:',
        '    expected:',
        `      vault-box: '${sha256(SERVER_PASSWORD)}'`,
        `      legacy-box: '${sha256(LEGACY_PASSWORD)}'`,
        '  tasks:',
        '    - name: the real value reached Ansible',
        '      ansible.builtin.assert:',
        '        that:',
        "          - ansible_become_password | hash('sha256') == expected[inventory_hostname]",
        '    - ansible.builtin.debug:',
        '        msg: "plain {{ ansible_become_password }} b64 {{ ansible_become_password | b64encode }}"',
        '',
      ].join('\n'),
    );
    const run = await createAndStart(admin, 'DEMO', { playbook, useDynamicInventory: true });
    const done = await waitForStatus(admin, run.path);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'SUCCESS', reason: null });
    const records = await allRecords(admin, 'DEMO', run.job.id, run.execution.execution_id);
    const proven = records.filter((r) => r.event_type === 'runner_on_ok' && r.task === 'the real value reached Ansible').map((r) => r.host);
    expect(proven.sort()).toEqual(['legacy-box', 'vault-box']);
    const stdout = (await admin.get(`${run.path}/stdout`)).body;
    expect(stdout).toContain('plain ********');

    // The next write seals the legacy value: it leaves host_vars, and runs still get it.
    const rewritten = await admin.request('PATCH', `${servers}/legacy-box`, [{ op: 'set', member: 'description', value: 'sealed now' }]);
    expect({ status: rewritten.status, hostVars: rewritten.body.hostVars }).toEqual({ status: 200, hostVars: shown });
    expect(await rowOf('legacy-box')).toEqual({ host_vars: shown, sealed_host_vars: expect.stringMatching(/^v2\./) });

    const answers = await Promise.all(
      [servers, `${servers}/vault-box`, `${servers}/legacy-box`, run.path, `${run.path}/stdout`].map((p) => admin.get(p).then((r) => JSON.stringify(r.body))),
    );
    const [execution] = await stack.db.query('SELECT request, reason FROM executions WHERE id = $1', [run.execution.execution_id]);
    const transcript = await stack.db.query('SELECT text FROM execution_output WHERE execution_id = $1', [run.execution.execution_id]);
    const rows = await stack.db.query('SELECT host_vars, sealed_host_vars FROM servers');
    const everything = [...answers, ...[records, execution, transcript, rows].map((x) => JSON.stringify(x)), stack.api.process.output(), stack.worker.output()].join('\n');
    expect(leakedForms(everything)).toEqual([]);

    // Left out (or null) removes it; then "$encrypted$" has nothing to keep.
    const removed = await admin.request('PATCH', `${servers}/vault-box`, [{ op: 'set', member: 'hostVars', value: LOCAL }]);
    expect({ status: removed.status, hostVars: removed.body.hostVars }).toEqual({ status: 200, hostVars: LOCAL });
    expect(await rowOf('vault-box')).toEqual({ host_vars: LOCAL, sealed_host_vars: null });
    const nothing = await admin.request('PATCH', `${servers}/vault-box`, [{ op: 'set', member: 'hostVars', value: shown }]);
    expect(nothing.status).toBe(400);
    for (const name of ['vault-box', 'legacy-box']) expect((await admin.delete(`${servers}/${name}`)).status).toBe(204);
  });

  it('a sealed value copied into another account\'s row does not open there', async () => {
    const admin = stack.admin;
    expect((await admin.post('/v2/accounts/DEMO', { alias: 'SVB', name: 'other tenant' })).status).toBe(201);
    const source = (await admin.post(base, job())).body;
    const target = (await admin.post('/v2/automation/jobs/SVB', { ...job(), secretProperties: { db_password: 'their-own-password' } })).body;
    await stack.db.query('UPDATE jobs SET sealed_secrets = (SELECT sealed_secrets FROM jobs WHERE id = $1) WHERE id = $2', [source.id, target.id]);
    const started = await admin.post(`/v2/automation/jobs/SVB/${target.id}/start`, {});
    const done = await waitForStatus(admin, `/v2/automation/jobs/SVB/${target.id}/executions/${started.body.execution_id}`);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'INIT_FAILURE', reason: expect.stringMatching(/^a sealed value in jobs\.sealed_secrets does not open here/) });
    // A GET → PUT round trip keeps "$encrypted$", which cannot be kept: a clear 409, nothing changed.
    const shown = (await admin.get(`/v2/automation/jobs/SVB/${target.id}`)).body;
    const before = await stack.db.query('SELECT sealed_secrets, updated_at FROM jobs WHERE id = $1', [target.id]);
    const kept = await admin.put(`/v2/automation/jobs/SVB/${target.id}`, { ...shown, description: 'changed' });
    expect({ status: kept.status, message: kept.body.message }).toEqual({ status: 409, message: expect.stringMatching(/does not open here.*send the secret again/) });
    expect(await stack.db.query('SELECT sealed_secrets, updated_at FROM jobs WHERE id = $1', [target.id])).toEqual(before);
    // Every secret sent again (none kept): the unusable ones are replaced.
    const resent = await admin.put(`/v2/automation/jobs/SVB/${target.id}`, job());
    expect(resent.status).toBe(200);
    const again = await admin.post(`/v2/automation/jobs/SVB/${target.id}/start`, { secretProperties: { run_secret: RUN_SECRET } });
    expect((await waitForStatus(admin, `/v2/automation/jobs/SVB/${target.id}/executions/${again.body.execution_id}`)).status).toBe('SUCCESS');
  });
});
