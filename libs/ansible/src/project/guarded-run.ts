import type { GuardedCommand, PlaybookLauncher, PlaybookProcess } from '@app/process';

/**
 * Runs one command of a run's preparation (the requirements installer) as the run's own processes
 * run: under the run guard, in the run's sandbox when `command` was wrapped in it, so untrusted
 * content is handled by the run's uid, never by the worker. Killed after `timeoutMs`.
 */
export async function runGuarded(
  launcher: Pick<PlaybookLauncher, 'spawn'>,
  options: { command: GuardedCommand; cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; maxOutputBytes?: number; onSpawn?: (process: PlaybookProcess) => void },
): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> {
  const max = options.maxOutputBytes ?? 256 * 1024;
  let output = '';
  let timedOut = false;
  const child = launcher.spawn({
    command: options.command,
    cwd: options.cwd,
    env: options.env,
    // Its last part is what says why it failed.
    onOutput: (chunk) => {
      output += chunk.toString('utf8');
      if (output.length > max) output = output.slice(-max);
    },
    onEvents: () => undefined,
  });
  options.onSpawn?.(child);
  const timer = setTimeout(() => {
    timedOut = true;
    child.signal('SIGKILL');
  }, options.timeoutMs);
  try {
    const exit = await child.exited;
    return { exitCode: exit.exitCode, output, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
