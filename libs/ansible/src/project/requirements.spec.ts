import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedEntry, installCommands, installerEnvironment, installerMessage, keepInstalled, RequirementsPlan } from './requirements';

describe('the requirements cache', () => {
  let root: string;
  let plan: RequirementsPlan;
  const staged = (name: string, marker: string): string => {
    const dir = path.join(root, 'workspaces', name, 'requirements');
    fs.mkdirSync(path.join(dir, 'roles', 'r'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'roles', 'r', 'marker'), marker);
    return dir;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'req-cache-'));
    plan = { files: [], hash: 'abc', entry: path.join(root, 'requirements-cache', 'acct', 'abc') };
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('has an entry only once one is complete, and the first of two concurrent installations wins whole', () => {
    expect(cachedEntry(plan)).toBeNull();
    const first = staged('run-1', 'first');
    const second = staged('run-2', 'second');
    expect(keepInstalled(first, plan)).toBe(plan.entry);
    expect(keepInstalled(second, plan)).toBe(plan.entry);
    expect(cachedEntry(plan)).toBe(plan.entry);
    expect(fs.readFileSync(path.join(plan.entry, 'roles', 'r', 'marker'), 'utf8')).toBe('first');
    expect(fs.readdirSync(plan.entry)).toEqual(['roles']);
  });

  it('refuses a link the installer left in place of its folder, and never takes a link as an entry', () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'req-target-'));
    try {
      const staging = path.join(root, 'workspaces', 'run-3', 'requirements');
      fs.mkdirSync(path.dirname(staging), { recursive: true });
      fs.symlinkSync(target, staging);
      expect(() => keepInstalled(staging, plan)).toThrow(/left no folder/);
      expect(cachedEntry(plan)).toBeNull();
      fs.mkdirSync(path.dirname(plan.entry), { recursive: true });
      fs.symlinkSync(target, plan.entry);
      expect(cachedEntry(plan)).toBeNull();
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
  });
});

describe('the installer', () => {
  const plan: RequirementsPlan = {
    files: [
      { path: '/ws/repo/roles/requirements.yml', roles: true, collections: false },
      { path: '/ws/repo/requirements.yml', roles: true, collections: true },
    ],
    hash: 'h',
    entry: '/cache/h',
  };

  it('installs each kind a file lists with a command of its own, naming no secret', () => {
    expect(installCommands('ansible-galaxy', plan, '/ws/requirements').map((c) => c.argv.slice(1, 3).join(' '))).toEqual(['role install', 'role install', 'collection install']);
  });

  it("gives the repository's credentials to git for the repository's own origin only", () => {
    const env = installerEnvironment({ PATH: '/usr/bin' }, { config: '/ws/galaxy.cfg', repositoryUrl: 'https://git.example:8443/ops/site.git', credentials: { username: 'u', password: 'p' }, sshCommand: 'ssh' });
    expect(env).toMatchObject({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.https://git.example:8443/.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('u:p').toString('base64')}`, GIT_ALLOW_PROTOCOL: 'http:https:ssh' });
    const ssh = installerEnvironment({}, { config: '/c', repositoryUrl: 'git@git.example:ops/site.git', credentials: { username: 'u', password: 'p' }, sshCommand: 'ssh' });
    expect(ssh.GIT_CONFIG_COUNT).toBeUndefined();
  });

  it('says why from its first warning on, bounded', () => {
    const output = 'Starting galaxy role install process\n[WARNING]: - r was NOT installed successfully: no meta/main.yml\nERROR! - you can use --ignore-errors\n';
    expect(installerMessage(output)).toBe('[WARNING]: - r was NOT installed successfully: no meta/main.yml\nERROR! - you can use --ignore-errors');
    expect(installerMessage(`ERROR! ${'x'.repeat(5000)}`, 100)).toHaveLength(101);
  });
});
