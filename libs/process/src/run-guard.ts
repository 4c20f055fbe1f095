import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { killGroup, runCommand } from './run-command';

/**
 * The run guard (run_guard.py) leads a process group and dies with the service: whatever it starts
 * (ansible-playbook and its forks, a run's ssh-agent, the requirements installer) cannot outlive
 * the worker. It ships as source: beside this file under ts-jest, in the repository when built (tsc
 * does not copy .py files into dist).
 */
const RUN_GUARD = [path.join(__dirname, 'run_guard.py'), path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'process', 'src', 'run_guard.py')].find((file) =>
  fs.existsSync(file),
)!;
// Isolated, no site packages: the guard needs only the standard library, and starts ~3 ms faster.
const GUARD_FLAGS = ['-I', '-S'];

/**
 * What the run guard does in its child before it execs the command, when the run is sandboxed
 * (libs/ansible's sandbox.ts fills it in): join these cgroups, set these limits, besides giving it
 * a Landlock domain of the run's own (no abstract sockets or signals outside it, no TCP listening).
 */
export interface GuardSandbox {
  cgroups: string[];
  rlimits: Record<string, number>;
}

/** A command ready for the run guard: its argv and, when sandboxed, what the guard sets up first. */
export interface GuardedCommand {
  argv: string[];
  sandbox?: GuardSandbox;
}

/**
 * The Landlock ABI this kernel offers (0: none), which decides how much of a run's socket use its
 * sandbox confines (run_guard.py, confine_sockets): said in the worker's start-up log.
 */
export async function landlockAbi(): Promise<number> {
  const probe = 'import ctypes; print(max(0, ctypes.CDLL(None).syscall(444, None, 0, 1)))';
  const result = await runCommand('/usr/bin/python3', ['-I', '-S', '-c', probe], { env: {}, timeoutMs: 30_000 });
  return result.exitCode === 0 ? Number(result.stdout) || 0 : 0;
}

export interface Daemon {
  pid: number;
  stop(): Promise<void>;
}

/**
 * A long-lived helper (the run's ssh-agent -D) in its own process group, under the run guard so it
 * dies with the worker (and, sandboxed, in the run's sandbox); stop() kills the group.
 */
export function startDaemon(command: GuardedCommand, cwd: string, env: NodeJS.ProcessEnv): Daemon {
  const child = startGuard('ignore');
  child.stdin!.end(guardCommand(command, cwd, env));
  const pid = child.pid!;
  return {
    pid,
    stop: async () => {
      killGroup(pid, 'SIGKILL');
      await child;
    },
  };
}

export interface PlaybookProcess {
  pid: number;
  /** Signals the whole process group: ansible-playbook, its forks, their ssh. */
  signal(signal: NodeJS.Signals): void;
  /** Stops reading its output and events: once the pipes are full, Ansible waits on its writes. */
  pause(): void;
  resume(): void;
  exited: Promise<{ exitCode: number | null; signal: string | null }>;
}

/**
 * Starts ansible-playbook runs, each as the leader of its own process group under the run guard
 * (run_guard.py: if this worker dies, the whole group dies with it), with the callback plugin's
 * event pipe on fd 3. Output and events arrive as raw chunks; the caller splits lines.
 *
 * Starting the guard costs the worker a few ms (the spawn) and Python ~10-20 ms more before it can
 * start anything, so one guard is kept started ahead, waiting for its command on stdin: a run
 * hands it the command and the next spare is started right after, off the launch path. A spare
 * reads EOF and exits when the worker dies or close() discards it.
 */
export class PlaybookLauncher {
  private spare?: Subprocess;

  /** Has a guard waiting, so that the next run need not start one. */
  warm(): void {
    if (!this.spare || this.spare.exitCode !== null) this.spare = startGuard();
  }

  /** `command` is ansible-playbook's argv, wrapped in the run's sandbox when there is one. */
  spawn(options: { command: GuardedCommand; cwd: string; env: NodeJS.ProcessEnv; onOutput: (chunk: Buffer) => void; onEvents: (chunk: Buffer) => void }): PlaybookProcess {
    this.warm();
    const child = this.spare!;
    this.spare = undefined;
    child.stdin!.end(guardCommand(options.command, options.cwd, options.env));
    setImmediate(() => this.warm());
    const pid = child.pid!;
    child.stdout!.on('data', options.onOutput);
    child.stderr!.on('data', options.onOutput);
    child.stdio[3]!.on('data', options.onEvents);
    const exited = child.then((result) => ({
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
    }));
    const streams = [child.stdout!, child.stderr!, child.stdio[3]!];
    return {
      pid,
      signal: (signal) => killGroup(pid, signal),
      pause: () => streams.forEach((s) => s.pause()),
      resume: () => streams.forEach((s) => s.resume()),
      exited,
    };
  }

  close(): void {
    this.spare?.stdin?.end();
    this.spare = undefined;
  }
}

type Subprocess = ReturnType<typeof startGuard>;

/** The run guard's command line on stdin (run_guard.py). */
function guardCommand(command: GuardedCommand, cwd: string, env: NodeJS.ProcessEnv): string {
  return JSON.stringify({ argv: command.argv, cwd, env, ...(command.sandbox ? { sandbox: command.sandbox } : {}) }) + '\n';
}

/** A run guard waiting for its command on stdin; 'pipe' gives it stdout, stderr and the event pipe (fd 3). */
function startGuard(output: 'pipe' | 'ignore' = 'pipe') {
  const child = execa('/usr/bin/python3', [...GUARD_FLAGS, RUN_GUARD], {
    cwd: '/',
    env: {},
    extendEnv: false,
    detached: true,
    stdio: output === 'pipe' ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'ignore', 'ignore', 'ignore'],
    reject: false,
    buffer: false,
    all: false,
  });
  // A guard that died before its command was written: the write fails, the run sees the exit.
  child.stdin!.on('error', () => undefined);
  return child;
}

