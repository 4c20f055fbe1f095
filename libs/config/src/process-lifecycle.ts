import type { RunnerConfig } from './runner-config';

/** How a node's process starts and ends around its configuration: a failed boot, a vanished launcher. */

/**
 * Under the launcher: stop gracefully (as on SIGTERM) once it is gone, since the launcher starts its
 * children in process groups of their own and a `kill -9` of it would otherwise leave them running.
 */
export function stopWhenLauncherGone(config: Pick<RunnerConfig, 'launcherPid'>): void {
  if (!config.launcherPid) return;
  const timer = setInterval(() => {
    if (process.ppid === config.launcherPid) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  timer.unref();
}

/** Start-up failed: say why in one line a person can act on, then exit non-zero. */
export function exitOnBootFailure(service: string) {
  return (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${service}: cannot start: ${message}\n`);
    process.exit(1);
  };
}
