import { parse } from 'yaml';
import { jobBodyFromYaml, jobToYaml, startBody } from './job-file';

const files: Record<string, string> = {
  '/jobs/site.yml': '- hosts: all\n  tasks:\n    - ansible.builtin.ping:\n',
  '/jobs/broken.yml': '- hosts: all\n  tasks: [\n',
  '/home/me/.ssh/id_ed25519': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
  '/jobs/notakey': 'hello\n',
  '/home/me/.vault/prod': 'prod-vault-password\n',
};
const context = {
  baseDir: '/jobs',
  homeDir: '/home/me',
  readFile: (file: string): string => {
    if (!(file in files)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return files[file];
  },
};
const decode = (b64: unknown): string => Buffer.from(String(b64), 'base64').toString('utf8');
const body = (text: string) => jobBodyFromYaml(text, 'job.yaml', context);
const message = (text: string): string => {
  try {
    body(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('job.yaml → API body', () => {
  it('encodes plays written as YAML, keeping the other fields as written', () => {
    const job = body('description: d\nplaybook:\n  - hosts: all\n    tasks:\n      - ansible.builtin.ping:\nhosts:\n  - id: web\nforks: 3\n');
    expect(parse(decode(job.playbook))).toEqual([{ hosts: 'all', tasks: [{ 'ansible.builtin.ping': null }] }]);
    expect(job).toMatchObject({ description: 'd', hosts: [{ id: 'web' }], forks: 3 });
  });

  it('takes a block string as the playbook text, byte for byte', () => {
    const text = '- hosts: all  # comment kept\n  tasks: []\n';
    const job = body(`playbook: |\n${text.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}`);
    expect(decode(job.playbook)).toBe(text);
  });

  it('reads a playbook path relative to the job file', () => {
    expect(decode(body('playbook: site.yml\n').playbook)).toBe(files['/jobs/site.yml']);
  });

  it('encodes a private key given as text or as a key file path, and short host names become {id}', () => {
    const job = body('sshPrivateKey: ~/.ssh/id_ed25519\nhosts:\n  - web-1\n  - id: web-2\n    sshPrivateKey: |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n      xyz\n      -----END OPENSSH PRIVATE KEY-----\n');
    expect(decode(job.sshPrivateKey)).toBe(files['/home/me/.ssh/id_ed25519']);
    expect(job.hosts).toEqual([{ id: 'web-1' }, { id: 'web-2', sshPrivateKey: expect.any(String) }]);
    expect(decode((job.hosts as any)[1].sshPrivateKey)).toContain('xyz');
    const base64 = Buffer.from(files['/home/me/.ssh/id_ed25519']).toString('base64');
    expect(body(`sshPrivateKey: ${base64}\n`).sshPrivateKey).toBe(base64);
  });

  it('refuses broken input with a message naming the file and the field', () => {
    expect(message('a: [\n')).toMatch(/^job.yaml is not valid YAML/);
    expect(message('- 1\n')).toContain('job.yaml must be a mapping of job fields');
    expect(message('playbook: missing.yml\n')).toBe('job.yaml: playbook file /jobs/missing.yml cannot be read (ENOENT)');
    expect(message('playbook: broken.yml\n')).toContain('playbook file /jobs/broken.yml is not valid YAML');
    expect(message('playbook: "hosts: all\\ntasks: []\\n"\n')).toContain('must be a list of plays');
    expect(message('playbook: 3\n')).toContain('playbook must be the plays');
    expect(message('hosts:\n  - id: a\n    sshPrivateKey: notakey\n')).toContain('hosts.0.sshPrivateKey file /jobs/notakey does not hold a private key');
  });

  it('takes vault passwords as text, from a file as ansible-vault reads one, or "$encrypted$" to keep the stored one', () => {
    const job = body('vaultPasswords:\n  prod: { file: ~/.vault/prod }\n  dev: dev-vault-password\n  old: $encrypted$\n');
    expect(job.vaultPasswords).toEqual({ prod: 'prod-vault-password', dev: 'dev-vault-password', old: '$encrypted$' });
    expect(message('vaultPasswords:\n  prod: { file: missing }\n')).toBe('job.yaml: vaultPasswords.prod file /jobs/missing cannot be read (ENOENT)');
  });

  it('shows a stored job as a job.yaml that creates the same job again', () => {
    const playbook = '- hosts: all\n  tasks:\n    - ansible.builtin.ping:\n';
    const text = jobToYaml({
      id: 'j1',
      accountAlias: 'DEMO',
      status: 'ACTIVE',
      createdTime: 1,
      lastUpdatedTime: 2,
      links: [],
      description: 'd',
      playbook: Buffer.from(playbook).toString('base64'),
      hosts: [{ id: 'web', hostVars: { a: 1 } }],
      vaultPasswords: { prod: '$encrypted$' },
    });
    expect(text.split('\n')[0]).toBe('# job j1 in account DEMO (ACTIVE)');
    expect(text).not.toContain('links');
    const again = body(text);
    expect(decode(again.playbook)).toBe(playbook);
    expect(again).toMatchObject({ description: 'd', hosts: [{ id: 'web', hostVars: { a: 1 } }], vaultPasswords: { prod: '$encrypted$' } });
  });

  it("keeps a repository's inventories, one path or a list, and round-trips them", () => {
    expect(body('repository:\n  url: https://git.example/p.git\n  defaultPlaybook: site.yml\n  inventory: inventories/prod\n').repository).toEqual({
      url: 'https://git.example/p.git',
      defaultPlaybook: 'site.yml',
      inventory: 'inventories/prod',
    });
    const stored = { id: 'j2', accountAlias: 'DEMO', status: 'ACTIVE', repository: { url: 'https://git.example/p.git', defaultPlaybook: 'site.yml', inventory: ['inventories/prod', 'extra.ini'] } };
    expect(body(jobToYaml(stored)).repository).toEqual(stored.repository);
  });

  it('passes notify through, and a stored job\'s "$encrypted$" chat URL goes back as it came (the server keeps the URL)', () => {
    const notify = { email: { to: ['ops@example.com'], on: 'failure' }, chat: { url: 'https://hooks.example.com/services/T/B/X', on: 'always' } };
    expect(body(`playbook: site.yml\nnotify:\n  email: { to: [ops@example.com], on: failure }\n  chat: { url: "${notify.chat.url}", on: always }\n`).notify).toEqual(notify);
    const stored = { ...notify, chat: { url: '$encrypted$', on: 'always', origin: 'https://hooks.example.com' } };
    const text = jobToYaml({ id: 'j1', accountAlias: 'DEMO', status: 'ACTIVE', playbook: Buffer.from('- hosts: all\n').toString('base64'), hosts: [], notify: stored });
    expect(body(text).notify).toEqual(stored);
  });
});

describe('run options → start body', () => {
  it('sends only what was given, with property values read as YAML', () => {
    expect(startBody([], [])).toEqual({});
    expect(startBody(['a', 'b'], ['n=3', 'list=[x, y]', 'text=hello world', 'empty=', 'eq=a=b'])).toEqual({
      hosts: [{ id: 'a' }, { id: 'b' }],
      properties: { n: 3, list: ['x', 'y'], text: 'hello world', empty: '', eq: 'a=b' },
    });
  });

  it('refuses a property that is not KEY=VALUE with a usable name', () => {
    expect(() => startBody([], ['novalue'])).toThrow('--property must be KEY=VALUE, not "novalue"');
    expect(() => startBody([], ['=1'])).toThrow('KEY=VALUE');
    expect(() => startBody([], ['1x=1'])).toThrow('a variable name is letters');
  });
});
