import { bwrapArguments, HostLayout } from './sandbox';

const layout: HostLayout = { rootEntries: ['--symlink', 'usr/bin', '/bin'] };
const workspace = '/srv/runner/data/workspaces/abc-123';

/** The mounts of an argument list: [kind, source, destination] for every bind. */
function binds(args: string[]): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => {
    if (['--bind', '--ro-bind', '--ro-bind-try'].includes(arg)) found.push([arg, args[i + 1], args[i + 2]]);
  });
  return found;
}

describe('bwrapArguments', () => {
  const rootArgs = bwrapArguments({ layout, workspace, readOnly: ['/opt/runner/plugin'], uid: 2_000_000_007 }, ['ansible-playbook', 'site.yml']);

  it('binds the workspace read-write and nothing else of the host but system folders, read-only', () => {
    const writable = binds(rootArgs).filter(([kind]) => kind === '--bind');
    expect(writable).toEqual([['--bind', workspace, workspace]]);
    const sources = binds(rootArgs).map(([, source]) => source);
    for (const source of sources) {
      expect(source === workspace || source.startsWith(`${workspace}/.sandbox/`) || ['/usr', '/etc', '/sys', '/opt/runner/plugin'].includes(source)).toBe(true);
    }
    expect(sources).not.toContain('/');
    expect(sources).not.toContain('/srv/runner/data');
  });

  it('gives the run its own PID, IPC and UTS namespaces and ties the sandbox to its parent', () => {
    for (const flag of ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent']) expect(rootArgs).toContain(flag);
    expect(rootArgs).not.toContain('--unshare-net');
    expect(rootArgs).not.toContain('--share-net');
  });

  it('as root: mounts privileged, then drops to the run uid with no capabilities and no new privileges', () => {
    expect(rootArgs).not.toContain('--unshare-user');
    const command = rootArgs.slice(rootArgs.indexOf('--') + 1);
    expect(command.slice(0, 12)).toEqual([
      '/usr/bin/setpriv', '--reuid', '2000000007', '--regid', '2000000007', '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--',
      '/usr/bin/env', '--default-signal=INT',
    ]);
    expect(command.slice(-2)).toEqual(['ansible-playbook', 'site.yml']);
  });

  it('not as root: an unprivileged user namespace, no setpriv', () => {
    const args = bwrapArguments({ layout, workspace, readOnly: [], uid: null }, ['true']);
    expect(args).toContain('--unshare-user');
    expect(args).not.toContain('/usr/bin/setpriv');
  });

  it('makes the folders above each mount traversable, and scratch space sticky and private', () => {
    const dirs = rootArgs.flatMap((arg, i) => (arg === '--dir' && rootArgs[i - 2] === '--perms' ? [rootArgs[i + 1]] : []));
    expect(dirs).toEqual(expect.arrayContaining(['/srv', '/srv/runner', '/srv/runner/data', '/srv/runner/data/workspaces', '/opt', '/opt/runner']));
    for (const scratch of ['/tmp', '/var/tmp', '/dev/shm']) {
      const at = rootArgs.findIndex((arg, i) => arg === '--tmpfs' && rootArgs[i + 1] === scratch);
      expect(rootArgs.slice(at - 2, at)).toEqual(['--perms', '1777']);
    }
  });
});
