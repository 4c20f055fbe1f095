import * as path from 'node:path';
import { execa } from 'execa';
import { PLUGIN_DIR } from './plugin-dir';
import type { GuardedCommand } from './sandbox';

const RUN_GUARD = path.join(PLUGIN_DIR, 'run_guard.py');
// Isolated, no site packages: the guard needs only the standard library, and starts ~3 ms faster.
const GUARD_FLAGS = ['-I', '-S'];

/**
 * The only module that starts processes (ARCHITECTURE.md). Argument arrays, never a shell; the
 * caller passes the whole environment (nothing of the worker's own leaks in); secrets go through
 * stdin, never argv.
 */

export async function ansiblePlaybookVersion(command: string): Promise<string> {
  try {
    const { stdout } = await execa(command, ['--version'], { timeout: 30_000 });
    return stdout.split('\n')[0] ?? 'unknown';
  } catch {
    throw new Error(
      `${command} was not found (RUNNER_ANSIBLE_PLAYBOOK). Install it (Debian/Ubuntu: apt-get install ansible-core) and start again.`,
    );
  }
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

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command to completion; never throws for a non-zero exit. */
export async function runCommand(
  file: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<CommandResult> {
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    // Own session: no controlling terminal, so nothing (ssh-add, git) can stop to prompt for a secret.
    detached: true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    timeout: options.timeoutMs ?? 120_000,
    reject: false,
    stripFinalNewline: true,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
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

/** Signals a process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
