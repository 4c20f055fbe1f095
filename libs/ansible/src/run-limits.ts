import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LimitSettings {
  /** Memory of the whole run (every process in its sandbox), MiB. */
  memoryMb: number;
  /** Processes (and threads) of the whole run. */
  pids: number;
  /** CPUs' worth of time the run may use (a quota; reaching it slows the run, it does not end it). */
  cpus: number;
}

/** Which limit a run reached; the run is ended with a reason naming it. */
export type LimitHit = 'memory' | 'processes';

/**
 * Where a run's limits are enforced. cgroup v2 or v1 (whichever this machine has and lets us write):
 * per run, for every process of the sandbox together, with counters that tell which limit was hit.
 * Without a writable cgroup hierarchy (no root, a container without one): rlimits, per process
 * (memory as address space) and per uid (processes), with no counter: a run that meets one fails
 * the way its program fails.
 */
export type LimitBackend =
  | { kind: 'cgroup2'; base: string }
  | { kind: 'cgroup1'; bases: { pids: string; memory: string; cpu: string } }
  | { kind: 'rlimit' };

const RUNS_FOLDER = 'automation-runner';
const CPU_PERIOD_US = 100_000;

/** Our own cgroup per hierarchy, from /proc/self/cgroup (`id:controllers:path`); '' is cgroup v2's. */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, cgroupPath] = line.split(':');
    if (cgroupPath === undefined) continue;
    if (controllers === '') own.set('', cgroupPath);
    for (const controller of controllers.split(',')) if (controller) own.set(controller, cgroupPath);
  }
  return own;
}

/**
 * Finds a cgroup hierarchy this process may create run cgroups in, under its own cgroup (so a
 * service manager's limits on the worker still hold for its runs). Called once at start.
 */
export function detectLimitBackend(root = '/sys/fs/cgroup', own = ownCgroups()): LimitBackend {
  try {
    if (fs.existsSync(path.join(root, 'cgroup.controllers'))) return { kind: 'cgroup2', base: prepareCgroup2(path.join(root, own.get('') ?? '/')) };
  } catch {
    // not ours to write: rlimits below
  }
  try {
    const bases = { pids: '', memory: '', cpu: '' };
    for (const controller of ['pids', 'memory', 'cpu'] as const) {
      const mount = path.join(root, controller);
      if (!fs.existsSync(path.join(mount, 'cgroup.procs')) || !own.has(controller)) throw new Error(`no ${controller} hierarchy`);
      bases[controller] = path.join(mount, own.get(controller)!, RUNS_FOLDER);
      fs.mkdirSync(bases[controller], { recursive: true });
    }
    return { kind: 'cgroup1', bases };
  } catch {
    return { kind: 'rlimit' };
  }
}

/**
 * cgroup v2 hands controllers down only to cgroups without processes of their own ("no internal
 * processes"), so the processes of our cgroup move into a `worker` leaf beside the runs' folder.
 */
function prepareCgroup2(own: string): string {
  const wanted = ['memory', 'pids', 'cpu'];
  const available = fs.readFileSync(path.join(own, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  if (!wanted.every((c) => available.includes(c))) throw new Error('controllers missing');
  const enable = (dir: string): void => fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  try {
    enable(own);
  } catch {
    const leaf = path.join(own, 'worker');
    fs.mkdirSync(leaf, { recursive: true });
    for (const pid of fs.readFileSync(path.join(own, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      fs.writeFileSync(path.join(leaf, 'cgroup.procs'), pid);
    }
    enable(own);
  }
  const base = path.join(own, RUNS_FOLDER);
  fs.mkdirSync(base, { recursive: true });
  enable(base);
  return base;
}

/**
 * Removes run cgroups that a worker which died left behind: named after their worker's pid, so the
 * fresh (still empty) cgroups of a live worker on this machine are left alone.
 */
export function removeLeftoverCgroups(backend: LimitBackend): void {
  const bases = backend.kind === 'cgroup2' ? [backend.base] : backend.kind === 'cgroup1' ? Object.values(backend.bases) : [];
  for (const base of bases) {
    for (const entry of fs.readdirSync(base)) {
      const owner = /^run-(\d+)-/.exec(entry)?.[1];
      if (!owner || alive(Number(owner))) continue;
      try {
        fs.rmdirSync(path.join(base, entry));
      } catch {
        // still in use by a run of another worker on this machine
      }
    }
  }
}

/** One run's limits: cgroups made before it starts, joined by its processes, removed after it. */
export class RunLimits {
  private constructor(
    private readonly backend: LimitBackend,
    private readonly settings: LimitSettings,
    private readonly dirs: string[],
  ) {}

  static create(backend: LimitBackend, settings: LimitSettings): RunLimits {
    // The worker's pid (see removeLeftoverCgroups), then a random part: the cgroup tree is readable
    // in /sys, and run ids are not for other tenants.
    const name = `run-${process.pid}-${randomBytes(6).toString('hex')}`;
    const quota = `${Math.round(settings.cpus * CPU_PERIOD_US)}`;
    const memory = String(settings.memoryMb * 1024 * 1024);
    if (backend.kind === 'cgroup2') {
      const dir = path.join(backend.base, name);
      fs.mkdirSync(dir);
      write(dir, { 'pids.max': String(settings.pids), 'memory.max': memory, 'memory.swap.max': '0', 'cpu.max': `${quota} ${CPU_PERIOD_US}` });
      return new RunLimits(backend, settings, [dir]);
    }
    if (backend.kind === 'cgroup1') {
      const dirs = Object.values(backend.bases).map((base) => path.join(base, name));
      dirs.forEach((dir) => fs.mkdirSync(dir));
      const [pids, mem, cpu] = dirs;
      write(pids, { 'pids.max': String(settings.pids) });
      write(mem, { 'memory.limit_in_bytes': memory });
      write(cpu, { 'cpu.cfs_period_us': String(CPU_PERIOD_US), 'cpu.cfs_quota_us': quota });
      return new RunLimits(backend, settings, dirs);
    }
    return new RunLimits(backend, settings, []);
  }

  /** The files a process writes its pid into to join this run's cgroups (the run guard does). */
  get cgroupProcs(): string[] {
    return this.dirs.map((dir) => path.join(dir, 'cgroup.procs'));
  }

  /** Per-process limits, where no cgroup holds the run as a whole. */
  get rlimits(): Record<string, number> {
    if (this.backend.kind !== 'rlimit') return {};
    return { nproc: this.settings.pids, as: this.settings.memoryMb * 1024 * 1024 };
  }

  /** The limit the run has reached, if any (the kernel's counters; nothing for rlimits). */
  hit(): LimitHit | null {
    if (this.backend.kind === 'rlimit') return null;
    const [pidsDir, memoryDir] = this.backend.kind === 'cgroup2' ? [this.dirs[0], this.dirs[0]] : [this.dirs[0], this.dirs[1]];
    if (counter(path.join(pidsDir, 'pids.events'), 'max') > 0) return 'processes';
    const memoryEvents = this.backend.kind === 'cgroup2' ? 'memory.events' : 'memory.oom_control';
    if (counter(path.join(memoryDir, memoryEvents), 'oom_kill') > 0) return 'memory';
    return null;
  }

  /** What a reason says about a limit, naming the setting that raises it. */
  describe(hit: LimitHit): string {
    return hit === 'memory'
      ? `the run reached its memory limit of ${this.settings.memoryMb} MiB (RUNNER_SANDBOX_MEMORY_MB) and was ended`
      : `the run reached its limit of ${this.settings.pids} processes (RUNNER_SANDBOX_PIDS) and was ended`;
  }

  /**
   * Kills whatever is still in the run's cgroups (nothing should be: the sandbox's PID namespace
   * died with its init) and removes them, retrying while the last processes finish exiting.
   */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50 && this.dirs.length; attempt++) {
      for (const dir of [...this.dirs]) {
        for (const pid of readLines(path.join(dir, 'cgroup.procs'))) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // gone already
          }
        }
        try {
          fs.rmdirSync(dir);
          this.dirs.splice(this.dirs.indexOf(dir), 1);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.dirs.splice(this.dirs.indexOf(dir), 1);
        }
      }
      if (this.dirs.length) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function write(dir: string, files: Record<string, string>): void {
  for (const [file, value] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), value);
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** `name N` in a cgroup's flat-keyed file; 0 when absent. */
function counter(file: string, name: string): number {
  const line = readLines(file).find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) || 0 : 0;
}
