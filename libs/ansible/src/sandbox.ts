import * as fs from 'node:fs';
import * as path from 'node:path';
import { CALLBACK_PLUGIN_DIR, COLLECTIONS_DIR } from './plugin-dir';
import type { GuardedCommand, PlaybookLauncher } from '@app/process';
import { detectLimitBackend, LimitBackend, LimitHit, LimitSettings, removeLeftoverCgroups, RunLimits } from './run-limits';

export interface SandboxSettings extends LimitSettings {
  enabled: boolean;
  /** Runs of the account whose sandbox number is n run as uid (and gid) uidBase + n. */
  uidBase: number;
}

/** The parts of the host's root that a sandbox shows, read once: merged /usr or not, resolv.conf. */
export interface HostLayout {
  /** `--symlink` or `--ro-bind` arguments for /bin, /sbin, /lib… as this host has them. */
  rootEntries: string[];
  /** Where /etc/resolv.conf points, when that is outside /etc (systemd-resolved, for one). */
  resolverDir?: string;
}

export function readHostLayout(): HostLayout {
  const rootEntries: string[] = [];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const entry = `/${name}`;
    const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) rootEntries.push('--symlink', fs.readlinkSync(entry), entry);
    else if (stat?.isDirectory()) rootEntries.push('--ro-bind', entry, entry);
  }
  let resolverDir: string | undefined;
  const resolv = fs.lstatSync('/etc/resolv.conf', { throwIfNoEntry: false });
  if (resolv?.isSymbolicLink()) {
    const target = path.resolve('/etc', fs.readlinkSync('/etc/resolv.conf'));
    if (!target.startsWith('/etc/')) resolverDir = path.dirname(target);
  }
  return { rootEntries, resolverDir };
}

/** A fixed PATH inside the sandbox: the worker's own may name folders the sandbox does not have. */
const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SANDBOX_USER = 'runner';

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

/** An entry of the host's /etc: its name, and where it points if it is a symbolic link. */
export interface EtcEntry {
  name: string;
  link?: string;
}

/** Where the host's /etc is in a sandbox; the sandbox's own /etc links into it. */
const HOST_ETC = '/run/host/etc';
/** The sandbox's own: the run's uid has a name, the host's accounts are not listed. */
const IDENTITY_FILES = ['passwd', 'group'];

/** The host's /etc as it is now (read per run: a package installed since start adds entries). */
export function readEtcEntries(): EtcEntry[] {
  return fs.readdirSync('/etc', { withFileTypes: true }).map((entry) =>
    entry.isSymbolicLink() ? { name: entry.name, link: fs.readlinkSync(path.join('/etc', entry.name)) } : { name: entry.name },
  );
}

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

/**
 * The run sandbox of a worker (ARCHITECTURE.md: a tenant's playbook is untrusted code). start()
 * finds how limits can be enforced here; forRun() gives each run its uid, limits and arguments.
 */
export class Sandbox {
  private backend: LimitBackend = { kind: 'rlimit' };
  private layout?: HostLayout;

  constructor(readonly settings: SandboxSettings) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** A root worker gives each account a uid of its own; any other worker runs sandboxes as itself. */
  get perAccountUid(): boolean {
    return process.getuid?.() === 0;
  }

  get limitBackend(): LimitBackend['kind'] {
    return this.backend.kind;
  }

  /** Reads the host's layout and finds the cgroup hierarchy; the worker then runs a probe (pool). */
  start(): void {
    if (!this.enabled) return;
    this.layout = readHostLayout();
    this.backend = this.perAccountUid ? detectLimitBackend() : { kind: 'rlimit' };
    removeLeftoverCgroups(this.backend);
  }

  /**
   * Runs `true` in a sandbox as a run would (uid, cgroups, mounts), so that a worker that cannot
   * confine runs says why at start instead of failing every run. Throws with bubblewrap's words.
   */
  async probe(launcher: PlaybookLauncher, workspacesDir: string): Promise<void> {
    fs.mkdirSync(workspacesDir, { recursive: true, mode: 0o700 });
    const dir = fs.mkdtempSync(path.join(workspacesDir, 'probe-'));
    // Sandbox id 0 is no account's (identities start at 1).
    const run = this.forRun(dir, 0);
    try {
      if (run.uid !== null) fs.chownSync(dir, run.uid, run.uid);
      let output = '';
      const child = launcher.spawn({
        command: run.wrap(['/usr/bin/true']),
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        onOutput: (chunk) => (output += chunk.toString()),
        onEvents: () => undefined,
      });
      const exit = await child.exited;
      if (exit.exitCode !== 0) throw new Error(output.trim() || `bwrap exited with code ${exit.exitCode}`);
    } finally {
      await run.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The sandbox of one run, for the account with sandbox number `accountNumber`. */
  forRun(workspaceDir: string, accountNumber: number): RunSandbox {
    if (!this.layout) throw new Error('the sandbox was not started');
    const uid = this.perAccountUid ? this.settings.uidBase + accountNumber : null;
    return new RunSandbox(this.layout, workspaceDir, uid, RunLimits.create(this.backend, this.settings));
  }
}

/** One run's confinement: its uid, the files that give that uid a name, its limits. */
export class RunSandbox {
  /** Folders outside the workspace the run may read (its cached requirements: requirements.ts). */
  private readonly shown: string[] = [];

  constructor(
    private readonly layout: HostLayout,
    private readonly workspace: string,
    /** The uid the run's processes have (null: the worker's own, in a user namespace). */
    readonly uid: number | null,
    private readonly limits: RunLimits,
  ) {
    writeIdentity(workspace, uid ?? process.getuid?.() ?? 65534);
  }

  /**
   * `command` (argv) to be run inside this sandbox, by the run guard. A command given by its path
   * outside /usr (RUNNER_ANSIBLE_PLAYBOOK) brings its own folder, read-only.
   */
  wrap(command: string[]): GuardedCommand {
    const own = path.isAbsolute(command[0]) && !command[0].startsWith('/usr/') ? [path.dirname(command[0])] : [];
    // The repository's collections, read-only (the rest of the service's code stays hidden); only
    // if there (bubblewrap refuses to bind a missing folder).
    const collections = fs.existsSync(COLLECTIONS_DIR) ? [COLLECTIONS_DIR] : [];
    return {
      argv: bwrapArguments(
        { layout: this.layout, etc: readEtcEntries(), workspace: this.workspace, readOnly: [CALLBACK_PLUGIN_DIR, ...collections, ...own, ...this.shown], uid: this.uid },
        command,
      ),
      sandbox: { cgroups: this.limits.cgroupProcs, rlimits: this.limits.rlimits },
    };
  }

  /** Lets the commands wrapped from now on read `dir` (read-only). */
  showReadOnly(dir: string): void {
    this.shown.push(dir);
  }

  /** The reason to end the run with, once it has reached a limit. */
  limitReached(): string | null {
    const hit: LimitHit | null = this.limits.hit();
    return hit ? this.limits.describe(hit) : null;
  }

  release(): Promise<void> {
    return this.limits.remove();
  }
}

/**
 * /etc/passwd and /etc/group as the sandbox sees them: the run's uid has a name (ssh refuses to
 * run for a uid without one) and the host's accounts are not listed. Root-owned, read-only mounts.
 */
function writeIdentity(workspace: string, uid: number): void {
  const dir = path.join(workspace, '.sandbox');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'passwd'),
    [
      'root:x:0:0:root:/root:/usr/sbin/nologin',
      `${SANDBOX_USER}:x:${uid}:${uid}:automation-runner run:${path.join(workspace, 'home')}:/bin/sh`,
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  fs.writeFileSync(path.join(dir, 'group'), ['root:x:0:', `${SANDBOX_USER}:x:${uid}:`, 'nogroup:x:65534:', ''].join('\n'), { mode: 0o644 });
}
