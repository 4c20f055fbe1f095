import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repositoryInventories } from './repository-inventory';
import { ProjectError, readRepositoryFile, repositoryPath } from './repository-paths';
import { requirementsPlan } from './requirements';

describe('paths inside a checkout', () => {
  let root: string;
  let repo: string;
  let secret: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-paths-'));
    repo = path.join(root, 'repo');
    secret = path.join(root, 'worker-secret');
    fs.writeFileSync(secret, 'the worker key');
    fs.mkdirSync(path.join(repo, 'inventories', 'prod', 'group_vars'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'roles'));
    fs.writeFileSync(path.join(repo, 'inventories', 'prod', 'hosts.ini'), 'web1\n');
    fs.symlinkSync('inventories/prod', path.join(repo, 'current'));
    fs.symlinkSync(secret, path.join(repo, 'ansible.cfg'));
    fs.symlinkSync('../../worker-secret', path.join(repo, 'roles', 'requirements.yml'));
    fs.symlinkSync('/nonexistent/elsewhere', path.join(repo, 'dangling'));
    fs.symlinkSync(root, path.join(repo, 'up'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('follows links that stay inside, and says null for what is absent', () => {
    expect(repositoryPath(repo, 'current', 'inventory')).toBe(fs.realpathSync(path.join(repo, 'inventories', 'prod')));
    expect(repositoryPath(repo, 'no/such/file', 'inventory')).toBeNull();
    expect(repositoryInventories(repo, ['current', 'inventories/prod/hosts.ini'])).toHaveLength(2);
  });

  it('refuses names and links that lead outside, without reading them', () => {
    expect(() => repositoryPath(repo, '../worker-secret', 'inventory')).toThrow(ProjectError);
    expect(() => repositoryPath(repo, '/etc/passwd', 'inventory')).toThrow(/outside the repository/);
    expect(() => repositoryInventories(repo, ['up'])).toThrow(/inventory up points outside the repository/);
    expect(() => repositoryInventories(repo, ['up/worker-secret'])).toThrow(/points outside the repository/);
    expect(() => repositoryInventories(repo, ['dangling'])).toThrow(/link to nothing/);
    expect(() => readRepositoryFile(repo, 'ansible.cfg', 'ansible.cfg')).toThrow(/ansible.cfg ansible.cfg points outside the repository/);
    expect(() => requirementsPlan(repo, { cacheDir: '/cache' })).toThrow(/requirements file roles\/requirements.yml points outside/);
  });

  it('refuses an inventory that is missing, and a file too big to read', () => {
    expect(() => repositoryInventories(repo, ['inventories/staging'])).toThrow(/inventory inventories\/staging does not exist/);
    expect(() => readRepositoryFile(repo, 'inventories/prod/hosts.ini', 'file', 2)).toThrow(/over/);
  });
});

describe('requirementsPlan', () => {
  it('names its cache entry after the files that list something and the Galaxy server', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-req-'));
    try {
      fs.mkdirSync(path.join(repo, 'roles'));
      fs.mkdirSync(path.join(repo, 'collections'));
      fs.writeFileSync(path.join(repo, 'roles', 'requirements.yml'), '- src: https://git.example/role.git\n  scm: git\n');
      fs.writeFileSync(path.join(repo, 'collections', 'requirements.yml'), 'collections: []\n');
      const plan = requirementsPlan(repo, { cacheDir: '/cache/acct' })!;
      expect(plan.files).toEqual([{ path: path.join(repo, 'roles', 'requirements.yml'), roles: true, collections: false }]);
      expect(plan.entry).toBe(`/cache/acct/${plan.hash}`);
      expect(requirementsPlan(repo, { cacheDir: '/cache/acct', galaxyUrl: 'https://galaxy.example' })!.hash).not.toBe(plan.hash);
      fs.writeFileSync(path.join(repo, 'roles', 'requirements.yml'), '- src: https://git.example/role.git\n  scm: git\n  version: v2\n');
      expect(requirementsPlan(repo, { cacheDir: '/cache/acct' })!.hash).not.toBe(plan.hash);
      fs.writeFileSync(path.join(repo, 'roles', 'requirements.yml'), '[]\n');
      expect(requirementsPlan(repo, { cacheDir: '/cache/acct' })).toBeNull();
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
