import { bwrapArguments, EtcEntry, HostLayout } from './sandbox';

/**
 * The sandbox is a security boundary: these pin every argument bubblewrap gets, in order, for a
 * root worker (per-account uid, setpriv) and a worker that is not root (user namespace). Any change
 * to a mount, a flag or their order shows here and has to be made on purpose.
 */
describe('bwrapArguments, the whole argument list', () => {
  it('for a root worker: a merged-/usr host with a resolver outside /etc, extra read-only folders', () => {
    const layout: HostLayout = { rootEntries: ['--symlink', 'usr/bin', '/bin', '--ro-bind', '/lib64', '/lib64'], resolverDir: '/run/systemd/resolve' };
    const etc: EtcEntry[] = [{ name: 'hosts' }, { name: 'passwd' }, { name: 'group' }, { name: 'mtab', link: '../proc/self/mounts' }];
    const args = bwrapArguments(
      { layout, etc, workspace: '/srv/data/ws/r1', readOnly: ['/opt/runner/plugin', '/opt/bin'], uid: 2_000_000_007 },
      ['ansible-playbook', '-i', 'inv', 'site.yml'],
    );
    expect(args).toEqual([
      'bwrap',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--hostname', 'runner',
      '--die-with-parent',
      '--ro-bind', '/usr', '/usr',
      '--symlink', 'usr/bin', '/bin',
      '--ro-bind', '/lib64', '/lib64',
      '--perms', '0755', '--dir', '/run',
      '--perms', '0755', '--dir', '/run/host',
      '--ro-bind', '/etc', '/run/host/etc',
      '--perms', '0755', '--tmpfs', '/etc',
      '--symlink', '/run/host/etc/hosts', '/etc/hosts',
      '--symlink', '../proc/self/mounts', '/etc/mtab',
      '--ro-bind', '/srv/data/ws/r1/.sandbox/passwd', '/etc/passwd',
      '--ro-bind', '/srv/data/ws/r1/.sandbox/passwd', '/run/host/etc/passwd',
      '--ro-bind', '/srv/data/ws/r1/.sandbox/group', '/etc/group',
      '--ro-bind', '/srv/data/ws/r1/.sandbox/group', '/run/host/etc/group',
      '--remount-ro', '/etc',
      '--perms', '0755', '--dir', '/run',
      '--perms', '0755', '--dir', '/run/systemd',
      '--ro-bind-try', '/run/systemd/resolve', '/run/systemd/resolve',
      '--ro-bind', '/sys', '/sys',
      '--proc', '/proc',
      '--dev', '/dev',
      '--perms', '1777', '--tmpfs', '/dev/shm',
      '--perms', '1777', '--tmpfs', '/tmp',
      '--dir', '/var',
      '--perms', '1777', '--tmpfs', '/var/tmp',
      '--perms', '0755', '--dir', '/opt',
      '--perms', '0755', '--dir', '/opt/runner',
      '--perms', '0755', '--dir', '/opt',
      '--perms', '0755', '--dir', '/srv',
      '--perms', '0755', '--dir', '/srv/data',
      '--perms', '0755', '--dir', '/srv/data/ws',
      '--ro-bind', '/opt/runner/plugin', '/opt/runner/plugin',
      '--ro-bind', '/opt/bin', '/opt/bin',
      '--bind', '/srv/data/ws/r1', '/srv/data/ws/r1',
      '--chdir', '/srv/data/ws/r1',
      '--',
      '/usr/bin/setpriv', '--reuid', '2000000007', '--regid', '2000000007', '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--',
      '/usr/bin/env', '--default-signal=INT', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'USER=runner', 'LOGNAME=runner',
      'ansible-playbook', '-i', 'inv', 'site.yml',
    ]);
  });

  it('for a worker that is not root: a user namespace, no setpriv', () => {
    const args = bwrapArguments({ layout: { rootEntries: [] }, etc: [{ name: 'hosts' }], workspace: '/w/r2', readOnly: [], uid: null }, ['true']);
    expect(args).toEqual([
      'bwrap',
      '--unshare-user',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--hostname', 'runner',
      '--die-with-parent',
      '--ro-bind', '/usr', '/usr',
      '--perms', '0755', '--dir', '/run',
      '--perms', '0755', '--dir', '/run/host',
      '--ro-bind', '/etc', '/run/host/etc',
      '--perms', '0755', '--tmpfs', '/etc',
      '--symlink', '/run/host/etc/hosts', '/etc/hosts',
      '--ro-bind', '/w/r2/.sandbox/passwd', '/etc/passwd',
      '--ro-bind', '/w/r2/.sandbox/passwd', '/run/host/etc/passwd',
      '--ro-bind', '/w/r2/.sandbox/group', '/etc/group',
      '--ro-bind', '/w/r2/.sandbox/group', '/run/host/etc/group',
      '--remount-ro', '/etc',
      '--ro-bind', '/sys', '/sys',
      '--proc', '/proc',
      '--dev', '/dev',
      '--perms', '1777', '--tmpfs', '/dev/shm',
      '--perms', '1777', '--tmpfs', '/tmp',
      '--dir', '/var',
      '--perms', '1777', '--tmpfs', '/var/tmp',
      '--perms', '0755', '--dir', '/w',
      '--bind', '/w/r2', '/w/r2',
      '--chdir', '/w/r2',
      '--',
      '/usr/bin/env', '--default-signal=INT', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'USER=runner', 'LOGNAME=runner',
      'true',
    ]);
  });
});
