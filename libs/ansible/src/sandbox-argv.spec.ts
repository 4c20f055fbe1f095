import type { EtcEntry, HostLayout } from './host-layout';
import { bwrapArguments } from './sandbox-arguments';

/**
 * The sandbox is a security boundary: these pin every argument bubblewrap gets, in order, for a
 * root worker (per-account uid, setpriv) and a worker that is not root (user namespace). Any change
 * to a mount, a flag or their order shows here and has to be made on purpose. Written out literally
 * (what both runs share once, each part on one line), not derived the way the code derives it.
 */

/** Namespaces, hostname, the tie to the parent, and /usr read-only. */
const START = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'runner', '--die-with-parent', '--ro-bind', '/usr', '/usr'];
/** The host's /etc, read-only at /run/host/etc, under a tmpfs /etc of the sandbox's own. */
const HOST_ETC = ['--perms', '0755', '--dir', '/run', '--perms', '0755', '--dir', '/run/host', '--ro-bind', '/etc', '/run/host/etc', '--perms', '0755', '--tmpfs', '/etc'];
/** /sys read-only, its own /proc and /dev, private sticky scratch space. */
const SYSTEM = ['--ro-bind', '/sys', '/sys', '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--tmpfs', '/dev/shm', '--perms', '1777', '--tmpfs', '/tmp', '--dir', '/var', '--perms', '1777', '--tmpfs', '/var/tmp'];
/** The command's environment: default SIGINT, a fixed PATH, the sandbox user's name. */
const ENV = ['/usr/bin/env', '--default-signal=INT', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'USER=runner', 'LOGNAME=runner'];

/** The sandbox's own passwd and group over both /etc and /run/host/etc, then /etc read-only. */
const identity = (ws: string): string[] => [
  ...['--ro-bind', `${ws}/.sandbox/passwd`, '/etc/passwd', '--ro-bind', `${ws}/.sandbox/passwd`, '/run/host/etc/passwd'],
  ...['--ro-bind', `${ws}/.sandbox/group`, '/etc/group', '--ro-bind', `${ws}/.sandbox/group`, '/run/host/etc/group'],
  ...['--remount-ro', '/etc'],
];

describe('bwrapArguments, the whole argument list', () => {
  it('for a root worker: a merged-/usr host with a resolver outside /etc, extra read-only folders', () => {
    const layout: HostLayout = { rootEntries: ['--symlink', 'usr/bin', '/bin', '--ro-bind', '/lib64', '/lib64'], resolverDir: '/run/systemd/resolve' };
    const etc: EtcEntry[] = [{ name: 'hosts' }, { name: 'passwd' }, { name: 'group' }, { name: 'mtab', link: '../proc/self/mounts' }];
    const ws = '/srv/data/ws/r1';
    const args = bwrapArguments({ layout, etc, workspace: ws, readOnly: ['/opt/runner/plugin', '/opt/bin'], uid: 2_000_000_007 }, ['ansible-playbook', '-i', 'inv', 'site.yml']);
    expect(args).toEqual([
      ...['bwrap', ...START, '--symlink', 'usr/bin', '/bin', '--ro-bind', '/lib64', '/lib64'],
      ...[...HOST_ETC, '--symlink', '/run/host/etc/hosts', '/etc/hosts', '--symlink', '../proc/self/mounts', '/etc/mtab', ...identity(ws)],
      ...['--perms', '0755', '--dir', '/run', '--perms', '0755', '--dir', '/run/systemd', '--ro-bind-try', '/run/systemd/resolve', '/run/systemd/resolve'],
      ...SYSTEM,
      ...['--perms', '0755', '--dir', '/opt', '--perms', '0755', '--dir', '/opt/runner', '--perms', '0755', '--dir', '/opt'],
      ...['--perms', '0755', '--dir', '/srv', '--perms', '0755', '--dir', '/srv/data', '--perms', '0755', '--dir', '/srv/data/ws'],
      ...['--ro-bind', '/opt/runner/plugin', '/opt/runner/plugin', '--ro-bind', '/opt/bin', '/opt/bin', '--bind', ws, ws, '--chdir', ws, '--'],
      ...['/usr/bin/setpriv', '--reuid', '2000000007', '--regid', '2000000007', '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--'],
      ...[...ENV, 'ansible-playbook', '-i', 'inv', 'site.yml'],
    ]);
  });

  it('for a worker that is not root: a user namespace, no setpriv', () => {
    const ws = '/w/r2';
    const args = bwrapArguments({ layout: { rootEntries: [] }, etc: [{ name: 'hosts' }], workspace: ws, readOnly: [], uid: null }, ['true']);
    expect(args).toEqual([
      ...['bwrap', '--unshare-user', ...START],
      ...[...HOST_ETC, '--symlink', '/run/host/etc/hosts', '/etc/hosts', ...identity(ws)],
      ...SYSTEM,
      ...['--perms', '0755', '--dir', '/w', '--bind', ws, ws, '--chdir', ws, '--'],
      ...[...ENV, 'true'],
    ]);
  });
});
