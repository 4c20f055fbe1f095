import { execa } from 'execa';

/**
 * Short commands to completion (ssh-keygen, ssh-add, git, probes). With run-guard.ts, the only
 * module that starts processes (ARCHITECTURE.md): argument arrays, never a shell; the caller passes
 * the whole environment (nothing of the service's own leaks in); secrets go through stdin, never argv.
 */

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command to completion; never throws for a non-zero exit (or a missing program: -1). */
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

/** Signals a process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
