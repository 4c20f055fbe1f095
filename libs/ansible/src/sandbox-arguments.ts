import * as path from 'node:path';
import type { EtcEntry, HostLayout } from './host-layout';

/**
 * The argument list bubblewrap gets for a sandboxed command: which of the host's folders a run sees
 * and how (read-only, its own /etc, private scratch space), its namespaces, and the drop to the
 * run's uid. Pure: what it reads of the host comes in as a HostLayout and EtcEntry list.
 */

/** A fixed PATH inside the sandbox: the worker's own may name folders the sandbox does not have. */
const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The name the run's uid has inside the sandbox (run-sandbox.ts writes its passwd entry). */
export const SANDBOX_USER = 'runner';

/**
 * bubblewrap's arguments for one sandboxed command (pure; see ARCHITECTURE.md and README "Run
 * sandbox"). The host's system is there read-only; the data folder, the service's code, home
 * folders, other workspaces and the worker's /proc are not. Writable: the workspace, and private
 * /tmp, /var/tmp and /dev/shm. Own PID, IPC and UTS namespaces; the network is the host's.
 *
 * `uid` set (a root worker): bubblewrap mounts as root, then setpriv drops the command to that uid
 * with no capabilities, an empty bounding set and no-new-privileges, so a setuid binary gains
 * nothing. `uid` null (a worker that is not root): an unprivileged user namespace, same uid.
 */
export function bwrapArguments(
  options: { layout: HostLayout; etc: EtcEntry[]; workspace: string; readOnly: string[]; uid: number | null },
  command: string[],
): string[] {
  const { layout, workspace, uid } = options;
  const identity = path.join(workspace, '.sandbox');
  return [
    'bwrap',
    ...(uid === null ? ['--unshare-user'] : []),
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--hostname',
    'runner',
    // If bubblewrap's outer process dies (the run guard kills the group), the sandbox's init dies,
    // and with it, by the kernel's hand, every process of the PID namespace: nothing survives a run.
    '--die-with-parent',
    '--ro-bind', '/usr', '/usr',
    ...layout.rootEntries,
    ...etcArguments(options.etc, identity),
    ...(layout.resolverDir ? [...parents(layout.resolverDir), '--ro-bind-try', layout.resolverDir, layout.resolverDir] : []),
    // Read-only, for the facts Ansible gathers (the sandbox's own cgroup is not writable there).
    '--ro-bind', '/sys', '/sys',
    '--proc', '/proc',
    '--dev', '/dev',
    // Private scratch space, writable by the run's uid like the host's (sticky, 1777).
    '--perms', '1777', '--tmpfs', '/dev/shm',
    '--perms', '1777', '--tmpfs', '/tmp',
    '--dir', '/var',
    '--perms', '1777', '--tmpfs', '/var/tmp',
    ...[...options.readOnly, workspace].flatMap(parents),
    ...options.readOnly.flatMap((dir) => ['--ro-bind', dir, dir]),
    '--bind', workspace, workspace,
    '--chdir', workspace,
    '--',
    ...(uid === null ? [] : ['/usr/bin/setpriv', '--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--']),
    // The run guard ignores SIGINT for bubblewrap's sake; the command gets the default back.
    '/usr/bin/env', '--default-signal=INT', `PATH=${SANDBOX_PATH}`, `USER=${SANDBOX_USER}`, `LOGNAME=${SANDBOX_USER}`,
    ...command,
  ];
}

/** Where the host's /etc is in a sandbox; the sandbox's own /etc links into it. */
const HOST_ETC = '/run/host/etc';
/** The sandbox's own: the run's uid has a name, the host's accounts are not listed. */
const IDENTITY_FILES = ['passwd', 'group'];

/**
 * The sandbox's /etc: a tmpfs of symbolic links into the host's /etc (bound whole, read-only, at
 * /run/host/etc), with passwd and group of its own. Not the host's /etc with files bound over it:
 * tools such as useradd replace /etc/passwd by renaming a new file over it, and the kernel then
 * detaches every mount on the old file, so a running sandbox would suddenly see the host's accounts
 * and lose the name of its own uid (ssh: "No user exists for uid …"). A link resolves through the
 * directory, which renames inside it do not detach; the host's own links are copied as they are.
 * Over /run/host/etc the identity files hide the host's too, until the host next replaces them.
 */
function etcArguments(entries: EtcEntry[], identity: string): string[] {
  const args = [...parents(HOST_ETC), '--ro-bind', '/etc', HOST_ETC, '--perms', '0755', '--tmpfs', '/etc'];
  for (const { name, link } of entries) {
    if (IDENTITY_FILES.includes(name)) continue;
    args.push('--symlink', link ?? `${HOST_ETC}/${name}`, `/etc/${name}`);
  }
  for (const name of IDENTITY_FILES) {
    args.push('--ro-bind', path.join(identity, name), `/etc/${name}`, '--ro-bind', path.join(identity, name), `${HOST_ETC}/${name}`);
  }
  // Without a uid of its own the run owns what bubblewrap made: read-only, as the host's /etc is.
  args.push('--remount-ro', '/etc');
  return args;
}

/**
 * The folders above a mount point, made traversable: bubblewrap would make them 0700 root, which
 * the run's uid could not pass (they are empty folders of the sandbox's own root, not the host's).
 */
function parents(dir: string): string[] {
  const args: string[] = [];
  for (let parent = path.dirname(dir); parent !== '/'; parent = path.dirname(parent)) args.unshift('--perms', '0755', '--dir', parent);
  return args;
}
