import { ApiClient, b64, TRIVIAL_PLAYBOOK } from '../support/http';
import { ADMIN_PASSWORD } from '../support/processes';
import { ApiStack, startApiStack } from '../support/stack';

const KEY_PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-job-secret-key\n-----END OPENSSH PRIVATE KEY-----\n';
const HOST_KEY_PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-host-secret-key\n-----END OPENSSH PRIVATE KEY-----\n';
const REPO_KEY_PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-repo-secret-key\n-----END OPENSSH PRIVATE KEY-----\n';
const REPO_PASSWORD = 'repo-pa$$word-very-secret';

describe('jobs resource', () => {
  let stack: ApiStack;
  let client: ApiClient;
  const base = '/v2/automation/jobs/DEMO';

  beforeAll(async () => {
    stack = await startApiStack();
    client = stack.admin;
  });
  afterAll(() => stack?.stop());

  const valid = () => ({
    description: 'ping everything',
    playbook: TRIVIAL_PLAYBOOK,
    hosts: [{ id: 'web-1', hostVars: { http_port: 8080 } }, { id: '10.0.0.5' }],
    properties: { greeting: 'hello' },
    playbookTags: ['deploy'],
    callbacks: [{ url: 'https://hooks.example.com/runner' }],
    executionTtl: 30,
    limit: 'web-1',
    verbosity: 2,
    checkMode: true,
    forks: 10,
  });

  it('creates, reads, lists, updates and deletes a job', async () => {
    const created = await client.post(base, valid());
    expect(created.status).toBe(201);
    const job = created.body;
    expect(created.headers.get('location')).toBe(`${base}/${job.id}`);
    expect(job).toMatchObject({
      accountAlias: 'DEMO',
      status: 'ACTIVE',
      description: 'ping everything',
      playbook: TRIVIAL_PLAYBOOK,
      hosts: [{ id: 'web-1', hostVars: { http_port: 8080 } }, { id: '10.0.0.5' }],
      properties: { greeting: 'hello' },
      callbacks: [{ url: 'https://hooks.example.com/runner', level: 'DEBUG' }],
      executionTtl: 30,
      verbosity: 2,
      checkMode: true,
      forks: 10,
    });
    expect(job.createdTime).toEqual(expect.any(Number));
    expect(job.links[0]).toEqual({ rel: 'self', href: `${base}/${job.id}`, verbs: ['GET', 'PUT', 'DELETE'] });

    expect((await client.get(`${base}/${job.id}`)).body).toEqual(job);
    expect((await client.get(base)).body.results.map((j: any) => j.id)).toContain(job.id);

    const changed = { ...valid(), description: 'changed', hosts: [{ id: 'db-1' }], executionTtl: 60 };
    const updated = await client.put(`${base}/${job.id}`, changed);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: job.id, description: 'changed', hosts: [{ id: 'db-1' }], executionTtl: 60 });
    expect(updated.body.lastUpdatedTime).toBeGreaterThanOrEqual(job.lastUpdatedTime);
    expect(updated.body.createdTime).toBe(job.createdTime);

    expect((await client.delete(`${base}/${job.id}`)).status).toBe(204);
    expect((await client.get(`${base}/${job.id}`)).status).toBe(404);
    expect((await client.delete(`${base}/${job.id}`)).status).toBe(404);
    expect((await client.get(`${base}/not-a-uuid`)).status).toBe(404);
  });

  it('accepts a repository job and defaults', async () => {
    const created = await client.post(base, {
      repository: { url: 'https://git.example.com/ops/playbooks.git', branch: 'v1.2.0', defaultPlaybook: 'site/main.yml' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      repository: { url: 'https://git.example.com/ops/playbooks.git', branch: 'v1.2.0', defaultPlaybook: 'site/main.yml' },
      hosts: [],
      callbacks: [],
      executionTtl: 180,
      description: '',
    });
  });

  it('pages 250 jobs newest first with totalSize, page and size', async () => {
    const pager = new ApiClient(stack.api.url);
    await pager.login('admin', ADMIN_PASSWORD);
    expect((await pager.post('/v2/accounts/DEMO', { alias: 'PAGING', name: 'paging' })).status).toBe(201);
    const ids: string[] = [];
    for (let batch = 0; batch < 25; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          pager.post('/v2/automation/jobs/PAGING', { description: `job ${batch * 10 + i}`, playbook: TRIVIAL_PLAYBOOK }),
        ),
      );
      for (const reply of replies) {
        expect(reply.status).toBe(201);
        ids.push(reply.body.id);
      }
    }
    const seen: any[] = [];
    for (let page = 0; page < 3; page++) {
      const reply = await pager.get(`/v2/automation/jobs/PAGING?page=${page}&size=100`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ totalSize: 250, page, size: 100 });
      expect(reply.body.results).toHaveLength(page < 2 ? 100 : 50);
      seen.push(...reply.body.results);
    }
    expect(new Set(seen.map((j) => j.id))).toEqual(new Set(ids));
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1].createdTime).toBeGreaterThanOrEqual(seen[i].createdTime);
    expect((await pager.get('/v2/automation/jobs/PAGING?page=3')).body.results).toEqual([]);
    const defaults = await pager.get('/v2/automation/jobs/PAGING');
    expect(defaults.body).toMatchObject({ page: 0, size: 100 });
    for (const bad of ['size=0', 'size=101', 'page=-1', 'page=abc', 'size=1.5']) {
      const reply = await pager.get(`/v2/automation/jobs/PAGING?${bad}`);
      expect({ bad, status: reply.status }).toEqual({ bad, status: 400 });
      expect(reply.body.message).toMatch(/^(page|size)/);
    }
  });

  it('answers the list with an ETag and 304 while nothing changed, and shows every change, with links for the caller\'s roles', async () => {
    const lister = new ApiClient(stack.api.url);
    await lister.login('admin', ADMIN_PASSWORD);
    expect((await lister.post('/v2/accounts/DEMO', { alias: 'LISTED', name: 'listed' })).status).toBe(201);
    const list = '/v2/automation/jobs/LISTED?size=10';
    const first = (await lister.post('/v2/automation/jobs/LISTED', { description: 'first', playbook: TRIVIAL_PLAYBOOK })).body;
    const before = await lister.get(list);
    const etag = before.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(before.body).toMatchObject({ totalSize: 1, results: [{ id: first.id, description: 'first' }] });
    expect((await lister.get(list)).body).toEqual(before.body);
    // fetch asks for gzip, as browsers, axios and requests do; a client that does not gets the same JSON plain.
    expect(before.headers.get('content-encoding')).toBe('gzip');
    const plain = await lister.request('GET', list, undefined, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body).toEqual(before.body);
    expect(plain.headers.get('etag')).toBe(etag);
    // As a browser revalidates (fetch would add Cache-Control: no-cache, which asks for a full answer).
    const revalidate = { 'if-none-match': etag, 'cache-control': 'max-age=0' };
    expect((await lister.request('GET', list, undefined, revalidate)).status).toBe(304);

    const second = (await lister.post('/v2/automation/jobs/LISTED', { description: 'second', playbook: TRIVIAL_PLAYBOOK })).body;
    const grown = await lister.request('GET', list, undefined, revalidate);
    expect(grown.status).toBe(200);
    expect(grown.body.results.map((j: any) => j.id)).toEqual([second.id, first.id]);
    expect((await lister.put(`/v2/automation/jobs/LISTED/${first.id}`, { description: 'renamed', playbook: TRIVIAL_PLAYBOOK })).status).toBe(200);
    expect((await lister.get(list)).body.results.map((j: any) => j.description)).toEqual(['second', 'renamed']);
    expect((await lister.delete(`/v2/automation/jobs/LISTED/${second.id}`)).status).toBe(204);
    expect((await lister.get(list)).body).toMatchObject({ totalSize: 1, results: [{ id: first.id, description: 'renamed' }] });

    // A viewer asking for the same page gets a viewer's links, not the admin's page.
    expect((await lister.post('/v2/users/LISTED', { username: 'list-viewer', password: 'list-viewer-password', roles: ['AccountViewer'] })).status).toBe(201);
    const viewer = new ApiClient(stack.api.url);
    await viewer.login('list-viewer', 'list-viewer-password');
    const adminLinks = (await lister.get(list)).body.results[0].links;
    const viewerLinks = (await viewer.get(list)).body.results[0].links;
    expect(adminLinks.map((l: any) => l.rel)).toContain('start');
    expect(adminLinks[0].verbs).toEqual(['GET', 'PUT', 'DELETE']);
    expect(viewerLinks.map((l: any) => l.rel)).not.toContain('start');
    expect(viewerLinks[0].verbs).toBeUndefined();
  });

  describe('refuses invalid bodies naming the field, and changes nothing', () => {
    const cases: [string, (body: any) => unknown, string][] = [
      ['neither playbook nor repository', (b) => ({ ...b, playbook: undefined }), 'playbook'],
      ['both playbook and repository', (b) => ({ ...b, repository: { url: 'https://x.test/r.git', defaultPlaybook: 'a.yml' } }), 'playbook'],
      ['playbook not base64', (b) => ({ ...b, playbook: '!!not base64!!' }), 'playbook'],
      ['playbook not YAML', (b) => ({ ...b, playbook: b64('- hosts: [unclosed') }), 'playbook'],
      ['playbook not a list of plays', (b) => ({ ...b, playbook: b64('hosts: all\n') }), 'playbook'],
      ['playbook list of non-plays', (b) => ({ ...b, playbook: b64('- 1\n- 2\n') }), 'playbook'],
      ['playbook not a string', (b) => ({ ...b, playbook: 42 }), 'playbook'],
      ['absolute defaultPlaybook', (b) => ({ ...b, playbook: undefined, repository: { url: 'https://x.test/r.git', defaultPlaybook: '/etc/passwd' } }), 'repository.defaultPlaybook'],
      ['escaping defaultPlaybook', (b) => ({ ...b, playbook: undefined, repository: { url: 'https://x.test/r.git', defaultPlaybook: 'a/../../x.yml' } }), 'repository.defaultPlaybook'],
      ['missing defaultPlaybook', (b) => ({ ...b, playbook: undefined, repository: { url: 'https://x.test/r.git' } }), 'repository.defaultPlaybook'],
      ['bad repository url', (b) => ({ ...b, playbook: undefined, repository: { url: 'not a url', defaultPlaybook: 'a.yml' } }), 'repository.url'],
      ['unknown repository field', (b) => ({ ...b, playbook: undefined, repository: { url: 'https://x.test/r.git', defaultPlaybook: 'a.yml', depth: 1 } }), 'repository.depth'],
      ['duplicate host ids', (b) => ({ ...b, hosts: [{ id: 'a' }, { id: 'a' }] }), 'hosts.1.id'],
      ['invalid host id', (b) => ({ ...b, hosts: [{ id: 'has space' }] }), 'hosts.0.id'],
      ['host id with =', (b) => ({ ...b, hosts: [{ id: 'a=b' }] }), 'hosts.0.id'],
      ['host id Ansible expands as a range', (b) => ({ ...b, hosts: [{ id: 'h[0:99999999]' }] }), 'hosts.0.id'],
      ['host id Ansible reads as a pattern', (b) => ({ ...b, hosts: [{ id: 'x:all' }] }), 'hosts.0.id'],
      ['host id with a pattern operator', (b) => ({ ...b, hosts: [{ id: 'web' }, { id: '!web' }] }), 'hosts.1.id'],
      ['host id with a wildcard', (b) => ({ ...b, hosts: [{ id: 'web*' }] }), 'hosts.0.id'],
      ['limit reading a file', (b) => ({ ...b, limit: '@/etc/passwd' }), 'limit'],
      ['limit with a range', (b) => ({ ...b, limit: 'h[0:99999999]' }), 'limit'],
      ['limit with a regex', (b) => ({ ...b, limit: '~.*' }), 'limit'],
      ['hostVars not an object', (b) => ({ ...b, hosts: [{ id: 'a', hostVars: [1, 2] }] }), 'hosts.0.hostVars'],
      ['unknown host field', (b) => ({ ...b, hosts: [{ id: 'a', password: 'x' }] }), 'hosts.0.password'],
      ['hosts not an array', (b) => ({ ...b, hosts: { id: 'a' } }), 'hosts'],
      ['properties not an object', (b) => ({ ...b, properties: 'x=1' }), 'properties'],
      ['properties an array', (b) => ({ ...b, properties: ['x'] }), 'properties'],
      ['callback not http(s)', (b) => ({ ...b, callbacks: [{ url: 'ftp://x.test/hook' }] }), 'callbacks.0.url'],
      ['callback javascript url', (b) => ({ ...b, callbacks: [{ url: 'javascript:alert(1)' }] }), 'callbacks.0.url'],
      ['callback to loopback', (b) => ({ ...b, callbacks: [{ url: 'http://127.0.0.1:9/hook' }] }), 'callbacks.0.url'],
      ['callback to cloud metadata', (b) => ({ ...b, callbacks: [{ url: 'http://169.254.169.254/latest' }] }), 'callbacks.0.url'],
      ['callback to localhost', (b) => ({ ...b, callbacks: [{ url: 'http://localhost:8080/x' }] }), 'callbacks.0.url'],
      ['callback bad level', (b) => ({ ...b, callbacks: [{ url: 'https://x.test', level: 'ALL' }] }), 'callbacks.0.level'],
      ['executionTtl zero', (b) => ({ ...b, executionTtl: 0 }), 'executionTtl'],
      ['executionTtl too large', (b) => ({ ...b, executionTtl: 10081 }), 'executionTtl'],
      ['executionTtl not integer', (b) => ({ ...b, executionTtl: 1.5 }), 'executionTtl'],
      ['verbosity 5', (b) => ({ ...b, verbosity: 5 }), 'verbosity'],
      ['forks 0', (b) => ({ ...b, forks: 0 }), 'forks'],
      ['checkMode not boolean', (b) => ({ ...b, checkMode: 'yes' }), 'checkMode'],
      ['tag with comma', (b) => ({ ...b, playbookTags: ['a,b'] }), 'playbookTags'],
      ['sshPrivateKey not a key', (b) => ({ ...b, sshPrivateKey: b64('hello') }), 'sshPrivateKey'],
      ['unknown top-level field', (b) => ({ ...b, owner: 'me' }), 'owner'],
      ['description too long', (b) => ({ ...b, description: 'x'.repeat(5000) }), 'description'],
    ];

    let existing: any;
    beforeAll(async () => {
      existing = (await client.post(base, { description: 'untouched', playbook: TRIVIAL_PLAYBOOK })).body;
    });

    async function snapshot(): Promise<unknown> {
      return stack.db.query(`SELECT id, description, definition, sealed_secrets, updated_at FROM jobs ORDER BY id`);
    }

    it.each(cases)('%s', async (_name, mutate, field) => {
      const body = JSON.parse(JSON.stringify(mutate({ description: 'bad', playbook: TRIVIAL_PLAYBOOK })));
      const before = await snapshot();
      for (const reply of [await client.post(base, body), await client.put(`${base}/${existing.id}`, body)]) {
        expect(reply.status).toBe(400);
        expect(reply.body.message).toContain(field);
        expect(reply.body.errors.map((e: any) => e.field)).toContain(field);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a body over 1 MiB with 413, non-JSON with 415, broken JSON and non-objects with 400', async () => {
      const before = await snapshot();
      const huge = await client.post(base, { ...valid(), description: 'x', properties: { blob: 'y'.repeat(1_100_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body.message).toMatch(/1 MiB/);
      const text = await client.request('POST', base, 'description=x', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      const broken = await client.request('POST', base, '{"description": ', { 'content-type': 'application/json' });
      expect(broken.status).toBe(400);
      const array = await client.post(base, [valid()]);
      expect(array.status).toBe(400);
      expect(array.body.message).toMatch(/JSON object/);
      expect(await snapshot()).toEqual(before);
    });
  });

  it('never returns or logs private keys and repository credentials, and keeps them encrypted', async () => {
    const secrets = [KEY_PEM, HOST_KEY_PEM, REPO_KEY_PEM, REPO_PASSWORD];
    const replies: unknown[] = [];
    const inline = await client.post(base, {
      playbook: TRIVIAL_PLAYBOOK,
      sshPrivateKey: b64(KEY_PEM),
      hosts: [{ id: 'h1', sshPrivateKey: b64(HOST_KEY_PEM) }],
    });
    const repo = await client.post(base, {
      repository: {
        url: 'https://git.example.com/private.git',
        defaultPlaybook: 'site.yml',
        credentials: { username: 'deploy', password: REPO_PASSWORD, sshPrivateKey: b64(REPO_KEY_PEM) },
      },
      sshPrivateKey: b64(KEY_PEM),
    });
    expect(inline.status).toBe(201);
    expect(repo.status).toBe(201);
    expect(repo.body.repository).toEqual({ url: 'https://git.example.com/private.git', defaultPlaybook: 'site.yml', hasCredentials: true });
    expect(inline.body.hosts).toEqual([{ id: 'h1' }]);
    replies.push(inline.body, repo.body);
    replies.push((await client.get(`${base}/${inline.body.id}`)).body, (await client.get(base)).body);
    // A PUT that leaves the secrets out keeps them (write-only), and still shows none.
    const put = await client.put(`${base}/${repo.body.id}`, {
      description: 'renamed',
      repository: { url: 'https://git.example.com/private.git', defaultPlaybook: 'site.yml' },
    });
    expect(put.body.repository.hasCredentials).toBe(true);
    replies.push(put.body);

    const everything = JSON.stringify(replies) + stack.api.process.output();
    const stored = JSON.stringify(await stack.db.query(`SELECT * FROM jobs`));
    for (const secret of secrets) {
      for (const form of [secret, b64(secret), secret.split('\n')[1] ?? secret]) {
        expect(everything).not.toContain(form);
        expect(stored).not.toContain(form);
      }
    }
    const [row] = await stack.db.query<{ sealed_secrets: string }>(`SELECT sealed_secrets FROM jobs WHERE id = $1`, [repo.body.id]);
    expect(row.sealed_secrets).toMatch(/^v2\./);

    // Moving the repository to another URL drops its credentials rather than sending them elsewhere.
    const moved = await client.put(`${base}/${repo.body.id}`, {
      repository: { url: 'https://elsewhere.example.com/r.git', defaultPlaybook: 'site.yml' },
    });
    expect(moved.body.repository.hasCredentials).toBe(false);
  });
});
