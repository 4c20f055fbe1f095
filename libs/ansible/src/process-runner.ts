import * as path from 'node:path';
import { execa } from 'execa';
import { PLUGIN_DIR } from './plugin-dir';

const RUN_GUARD = path.join(PLUGIN_DIR, 'run_guard.py');
// Isolated, no site packages: the guard needs only the standard library, and starts ~3 ms faster.
const GUARD_FLAGS = ['-I', '-S'];

/**
 * The only module that starts processes (ARCHITECTURE.md). Argument arrays, never a shell; the
 * caller passes the whole environment (nothing of the worker's own leaks in); secrets go through
 * stdin, never argv.
 */

export async function ansiblePlaybookVersion(): Promise<string> {
  try {
    const { stdout } = await execa('ansible-playbook', ['--version'], { timeout: 30_000 });
    return stdout.split('\n')[0] ?? 'unknown';
  } catch {
    throw new Error(
      'ansible-playbook was not found on PATH. Install it (Debian/Ubuntu: apt-get install ansible-core) and start again.',
    );
  }
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
 * A long-lived helper (ssh-agent -D) in its own process group, under the run guard so it dies with
 * the worker; stop() kills the group.
 */
export function startDaemon(file: string, args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = execa('/usr/bin/python3', [...GUARD_FLAGS, RUN_GUARD, file, ...args], { env, extendEnv: false, detached: true, stdio: 'ignore', reject: false });
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
 * Starts ansible-playbook as the leader of its own process group, with the callback plugin's
 * event pipe on fd 3. Output and events arrive as raw chunks; the caller splits lines.
 */
export function spawnPlaybook(options: {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput: (chunk: Buffer) => void;
  onEvents: (chunk: Buffer) => void;
}): PlaybookProcess {
  // Through the guard (see run_guard.py): if this worker dies, the whole group dies with it.
  const child = execa('/usr/bin/python3', [...GUARD_FLAGS, RUN_GUARD, 'ansible-playbook', ...options.args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    reject: false,
    buffer: false,
    all: false,
  });
  const pid = child.pid!;
  child.stdout!.on('data', options.onOutput);
  child.stderr!.on('data', options.onOutput);
  child.stdio[3].on('data', options.onEvents);
  const exited = child.then((result) => ({
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
  }));
  const streams = [child.stdout!, child.stderr!, child.stdio[3]];
  return {
    pid,
    signal: (signal) => killGroup(pid, signal),
    pause: () => streams.forEach((s) => s.pause()),
    resume: () => streams.forEach((s) => s.resume()),
    exited,
  };
}

/** Signals a process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
