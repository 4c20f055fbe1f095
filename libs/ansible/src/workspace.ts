import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderUnsafeYaml } from './extra-vars';
import { ANSIBLE_DEFAULT_COLLECTIONS_PATH, CALLBACK_PLUGIN_DIR, COLLECTIONS_DIR, RUN_COLLECTIONS_PATH } from './plugin-dir';
import { mergeAnsibleConfig } from './project/ansible-config';

export interface InventoryHost {
  id: string;
  hostVars?: Record<string, unknown>;
}

/**
 * A private folder per run (0700); everything the run needs is written into it, removed after.
 * In a sandbox with a uid of its own, the run's uid owns it and what the worker writes into it.
 */
export class Workspace {
  readonly dir: string;
  private owner?: number;
  /** The run's ansible.cfg (ANSIBLE_CONFIG): here, or at the repository's root (project-config.ts). */
  private config?: string;
  /** Collections folders of the run's project (requirements, the repository's own), after the service's. */
  private projectCollections: string[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static create(baseDir: string, executionId: string): Workspace {
    fs.mkdirSync(baseDir, { recursive: true, mode: 0o700 });
    // Short names: ssh and the agent put sockets in here, and socket paths are limited to 108 bytes.
    const dir = fs.mkdtempSync(path.join(baseDir, `${executionId.slice(0, 8)}-`));
    fs.chmodSync(dir, 0o700);
    for (const sub of ['tmp', 'home']) fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
    return new Workspace(dir);
  }

  /** Gives the folder to the run's uid (and gid): what is there now, and every file written later. */
  ownBy(uid: number): void {
    this.owner = uid;
    for (const entry of [this.dir, this.path('tmp'), this.path('home')]) fs.chownSync(entry, uid, uid);
  }

  /**
   * Gives a tree written by the worker (a git checkout) to the run's uid. lchown and no descent
   * into links: a repository's symlink must never make the worker chown a file outside it.
   */
  adopt(relative: string): void {
    if (this.owner === undefined) return;
    const walk = (entry: string): void => {
      const stat = fs.lstatSync(entry);
      fs.lchownSync(entry, this.owner!, this.owner!);
      if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
    };
    walk(this.path(relative));
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  write(name: string, content: string, mode = 0o600): string {
    const file = this.path(name);
    fs.writeFileSync(file, content, { mode });
    if (this.owner !== undefined) fs.chownSync(file, this.owner, this.owner);
    return file;
  }

  /** A folder of the workspace, the run's uid's like the rest. */
  mkdir(name: string): string {
    const dir = this.path(name);
    fs.mkdirSync(dir, { mode: 0o700 });
    if (this.owner !== undefined) fs.chownSync(dir, this.owner, this.owner);
    return dir;
  }

  /** Inventory as JSON (valid YAML): every host under `all`, with its variables. */
  writeInventory(hosts: InventoryHost[], groups: Record<string, string[]> = {}): string {
    const inventory = {
      all: {
        hosts: Object.fromEntries(hosts.map((h) => [h.id, h.hostVars ?? {}])),
        children: Object.fromEntries(Object.entries(groups).map(([name, members]) => [name, { hosts: Object.fromEntries(members.map((m) => [m, {}])) }])),
      },
    };
    return this.write('inventory.yml', JSON.stringify(inventory, null, 1));
  }

  /** Extra vars as data, never templates (see renderUnsafeYaml); 0600, passed as @file, never argv. */
  writeExtraVars(vars: Record<string, unknown>): string {
    return this.write('extra-vars.yml', renderUnsafeYaml(vars) + '\n');
  }

  writeKnownHosts(lines: string[]): string {
    return this.write('known_hosts', lines.length ? lines.join('\n') + '\n' : '');
  }

  /** The known hosts as the run left them (the run's uid owns the workspace: readTenantFile), at most 1 MiB. */
  readKnownHosts(): string[] {
    const text = readTenantFile(this.path('known_hosts'), 1024 * 1024);
    return text === null ? [] : text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  }

  /**
   * The real path of `relative` in the tree at `root` (a checkout in the workspace), which must be
   * a regular file: null when there is none, 'outside' when a link leads out of `root`.
   */
  fileIn(root: string, relative: string): string | null | 'outside' {
    const file = path.resolve(root, relative);
    const real = fs.existsSync(file) ? fs.realpathSync(file) : null;
    if (!real || !fs.statSync(real).isFile()) return null;
    return real.startsWith(fs.realpathSync(root) + path.sep) ? real : 'outside';
  }

  /**
   * ssh reads only this config (-F), so neither /etc/ssh nor the worker's ~/.ssh applies; unknown
   * host keys are accepted and remembered, a changed one is refused. No ControlPersist: a
   * persistent master would outlive the run's process group.
   */
  sshOptions(): string {
    this.write(
      'ssh_config',
      ['Host *', '  HashKnownHosts no', '  ServerAliveInterval 15', '  ServerAliveCountMax 4', '  ConnectTimeout 20', ''].join('\n'),
    );
    return [
      `-F ${this.path('ssh_config')}`,
      `-o UserKnownHostsFile=${this.path('known_hosts')}`,
      '-o StrictHostKeyChecking=accept-new',
      '-o ControlMaster=no',
      '-o BatchMode=yes',
    ].join(' ');
  }

  get configFile(): string {
    return this.config ?? this.path('ansible.cfg');
  }

  get collectionsPath(): string {
    return this.projectCollections.length ? [COLLECTIONS_DIR, ...this.projectCollections, ANSIBLE_DEFAULT_COLLECTIONS_PATH].join(':') : RUN_COLLECTIONS_PATH;
  }

  /**
   * Settings a run keeps whatever a repository's ansible.cfg says (README "Playbook projects"):
   * our event callback and stdout, host key checking, where temporary files go, the forks limit.
   */
  serviceConfig(options: { forks?: number; rolesPath?: string }): Record<string, Record<string, string>> {
    return {
      defaults: {
        host_key_checking: 'True',
        retry_files_enabled: 'False',
        callbacks_enabled: 'runner_events',
        callback_plugins: CALLBACK_PLUGIN_DIR,
        stdout_callback: 'default',
        local_tmp: this.path('tmp'),
        remote_tmp: '~/.ansible/tmp',
        nocolor: 'True',
        ...(options.forks ? { forks: String(options.forks) } : {}),
        ...(options.rolesPath ? { roles_path: options.rolesPath } : {}),
      },
      ssh_connection: { ssh_args: this.sshOptions() },
    };
  }

  /** Defaults a repository's ansible.cfg may change. */
  static readonly CONFIG_DEFAULTS = { defaults: { interpreter_python: 'auto_silent', deprecation_warnings: 'False' }, ssh_connection: { pipelining: 'True' } };

  /**
   * Writes the run's ansible.cfg: the service's settings over `project`'s own file (its text, null
   * if none), into `project.dir` when given so that the repository's relative paths mean what they
   * mean in bare Ansible (it resolves them from the config file's folder).
   */
  writeAnsibleConfig(options: { forks?: number; rolesPath?: string }, project?: { dir: string; text: string | null; collections: string[] }): string {
    const text = mergeAnsibleConfig(project?.text ?? null, this.serviceConfig(options), Workspace.CONFIG_DEFAULTS);
    if (!project) return this.write('ansible.cfg', text);
    const file = path.join(project.dir, 'ansible.cfg');
    // Never through a link the repository put there: the worker writing it may be root.
    fs.rmSync(file, { force: true });
    this.config = this.write(path.relative(this.dir, file), text);
    this.projectCollections = project.collections;
    return this.config;
  }

  /**
   * Synchronous on purpose (~6 ms of the event loop a run): fs.promises.rm cost the worker 20–40 ms
   * more CPU a run (bench figure 3 alone: 0.77 with it, 0.89 without; the full bench's lower figure 3
   * has another cause, see the README).
   */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A file a tenant may have written or replaced (the run's uid owns its workspace and checkout),
 * read with that care: no symlink followed (a worker running as root would read, say, the
 * encryption key), nothing but a regular file (a FIFO would block), at most `maxBytes`. Null when
 * it is not such a file.
 */
export function readTenantFile(file: string, maxBytes = Infinity): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fs.fstatSync(fd);
    return stat.isFile() && stat.size <= maxBytes ? fs.readFileSync(fd, 'utf8') : null;
  } finally {
    fs.closeSync(fd);
  }
}
