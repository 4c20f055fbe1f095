import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/processes';

// The Ansible collection ctl.runner (collection/ansible_collections/ctl/runner), checked offline:
// every plugin compiles, and ansible-doc renders each module's and the inventory plugin's
// DOCUMENTATION/EXAMPLES/RETURN (ansible-doc fails on YAML that does not parse or does not fit its schema).
const COLLECTIONS = path.join(ROOT, 'collection');
const PLUGINS = path.join(COLLECTIONS, 'ansible_collections', 'ctl', 'runner', 'plugins');
const MODULES = fs.readdirSync(path.join(PLUGINS, 'modules')).filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3)).sort();

function ansibleDoc(type: string, name: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'collection-doc-'));
  try {
    return spawnSync('ansible-doc', ['-t', type, name], {
      env: { PATH: process.env.PATH, HOME: home, ANSIBLE_COLLECTIONS_PATH: COLLECTIONS, ANSIBLE_NOCOLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe('the ctl.runner collection, offline', () => {
  it('has the modules the issue asks for', () => {
    for (const name of ['server', 'server_info', 'keypair', 'keypair_info', 'job', 'job_info', 'job_run', 'execution_info', 'schedule', 'service_account', 'vpn_connection']) {
      expect(MODULES).toContain(name);
    }
  });

  it('compiles every plugin file', () => {
    const files = ['modules', 'module_utils', 'inventory', 'doc_fragments'].flatMap((dir) =>
      fs.readdirSync(path.join(PLUGINS, dir)).filter((f) => f.endsWith('.py')).map((f) => path.join(PLUGINS, dir, f)),
    );
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'collection-pyc-'));
    try {
      // PYTHONPYCACHEPREFIX keeps __pycache__ folders out of the collection (they would end up in the tarball).
      const result = spawnSync('python3', ['-m', 'py_compile', ...files], { env: { ...process.env, PYTHONPYCACHEPREFIX: cache }, encoding: 'utf8' });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it.each(MODULES)('ansible-doc shows the documentation, examples and return values of ctl.runner.%s', (name) => {
    const result = ansibleDoc('module', `ctl.runner.${name}`);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain(`CTL.RUNNER.${name.toUpperCase()}`);
    // The connection options come from the shared doc fragment.
    for (const option of ['api_url', 'api_token', 'api_username', 'api_password', 'account_alias', 'validate_certs']) {
      expect(result.stdout).toMatch(new RegExp(`^[-=] ${option}\\b`, 'm'));
    }
    expect(result.stdout).toContain('EXAMPLES:');
    expect(result.stdout).toContain('RETURN VALUES:');
  });

  it('builds into a tarball that ansible-galaxy installs outside the repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collection-build-'));
    try {
      const env = { PATH: process.env.PATH, HOME: dir };
      const source = path.join(COLLECTIONS, 'ansible_collections', 'ctl', 'runner');
      const built = spawnSync('ansible-galaxy', ['collection', 'build', source, '--output-path', dir], { env, encoding: 'utf8' });
      expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: '' });
      const tarball = fs.readdirSync(dir).find((f) => /^ctl-runner-.*\.tar\.gz$/.test(f));
      expect(tarball).toBeDefined();
      const installed = spawnSync('ansible-galaxy', ['collection', 'install', path.join(dir, tarball!), '-p', path.join(dir, 'installed')], { env: { ...env, ANSIBLE_COLLECTIONS_PATH: path.join(dir, 'installed') }, encoding: 'utf8' });
      expect({ status: installed.status, stderr: installed.stderr }).toEqual({ status: 0, stderr: '' });
      const listed = spawnSync('ansible-doc', ['-t', 'module', '-l', 'ctl.runner'], { env: { ...env, ANSIBLE_COLLECTIONS_PATH: path.join(dir, 'installed') }, encoding: 'utf8' });
      expect(listed.stdout).toMatch(/^ctl\.runner\.job_run\s/m);
      expect(fs.existsSync(path.join(dir, 'installed', 'ansible_collections', 'ctl', 'runner', 'meta', 'runtime.yml'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ansible-doc shows the inventory plugin with the cache and constructed options', () => {
    const result = ansibleDoc('inventory', 'ctl.runner.servers');
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    for (const option of ['include_sub_accounts', 'cache_plugin', 'keyed_groups', 'api_url', 'account_alias']) {
      expect(result.stdout).toMatch(new RegExp(`^[-=] ${option}\\b`, 'm'));
    }
  });
});
