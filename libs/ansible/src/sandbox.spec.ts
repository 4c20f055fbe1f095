import type { EtcEntry, HostLayout } from './host-layout';
import { bwrapArguments } from './sandbox-arguments';

const layout: HostLayout = { rootEntries: ['--symlink', 'usr/bin', '/bin'] };
const workspace = '/srv/runner/data/workspaces/abc-123';
const etc: EtcEntry[] = [{ name: 'hosts' }, { name: 'passwd' }, { name: 'group' }, { name: 'ssl' }, { name: 'mtab', link: '../proc/self/mounts' }];

/** The mounts of an argument list: [kind, source, destination] for every bind. */
function binds(args: string[]): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => {
    if (['--bind', '--ro-bind', '--ro-bind-try'].includes(arg)) found.push([arg, args[i + 1], args[i + 2]]);
  });
  return found;
}

describe('bwrapArguments', () => {
  const rootArgs = bwrapArguments({ layout, etc, workspace, readOnly: ['/opt/runner/plugin'], uid: 2_000_000_007 }, ['ansible-playbook', 'site.yml']);

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
    const args = bwrapArguments({ layout, etc, workspace, readOnly: [], uid: null }, ['true']);
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

  it("gives the run an /etc of links into the host's, which a rename on the host cannot detach, with its own passwd and group", () => {
    const at = (flag: string, dest: string): number => rootArgs.findIndex((arg, i) => arg === flag && rootArgs[i + 2] === dest);
    expect(rootArgs.some((arg, i) => arg === '--tmpfs' && rootArgs[i + 1] === '/etc')).toBe(true);
    expect(binds(rootArgs)).toContainEqual(['--ro-bind', '/etc', '/run/host/etc']);
    expect(at('--symlink', '/etc/hosts')).toBeGreaterThan(0);
    expect(rootArgs[at('--symlink', '/etc/hosts') + 1]).toBe('/run/host/etc/hosts');
    // The host's own links stay as they are (relative to /etc).
    expect(rootArgs[at('--symlink', '/etc/mtab') + 1]).toBe('../proc/self/mounts');
    for (const name of ['passwd', 'group']) {
      expect(at('--symlink', `/etc/${name}`)).toBe(-1);
      expect(binds(rootArgs)).toContainEqual(['--ro-bind', `${workspace}/.sandbox/${name}`, `/etc/${name}`]);
      expect(binds(rootArgs)).toContainEqual(['--ro-bind', `${workspace}/.sandbox/${name}`, `/run/host/etc/${name}`]);
    }
    // Everything under /etc is in place before it is made read-only.
    const remount = rootArgs.indexOf('--remount-ro');
    expect(rootArgs[remount + 1]).toBe('/etc');
    expect(rootArgs.slice(remount).some((arg) => arg.startsWith('/etc/'))).toBe(false);
  });
});
