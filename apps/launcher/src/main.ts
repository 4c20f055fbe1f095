import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { exitOnBootFailure, JsonLogger, loadConfig } from '@app/config';
import { loadEncryptionKey } from '@app/keys';

/**
 * `npm start`: one machine, everything. Starts an embedded PostgreSQL when DATABASE_URL is unset
 * (data kept in RUNNER_DATA_DIR), then the api and one worker, and stops them all together: a child
 * that dies takes the others down, so nothing half-runs.
 *
 * Every child runs in a process group of its own, so a Ctrl-C in the terminal reaches only this
 * process, which stops things in order: api and worker drain (a running execution may finish), then
 * PostgreSQL stops. A second Ctrl-C stops the api and worker at once (their Ansible dies with them).
 * The children stop by themselves if this process disappears (RUNNER_LAUNCHER_PID).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('launcher', config.logLevel, config.logFormat);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUNNER_LAUNCHER_PID: String(process.pid),
    // One node, no load balancer to wait for.
    RUNNER_API_DRAIN_SECONDS: process.env.RUNNER_API_DRAIN_SECONDS ?? '0',
  };
  const start = (file: string, args: string[] = [], ipc = false): ChildProcess =>
    spawn(process.execPath, [path.resolve(__dirname, file), ...args], {
      env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
    });

  let database: ChildProcess | undefined;
  if (!config.databaseUrl) {
    logger.write('info', 'starting embedded PostgreSQL', { dataDir: config.dataDir, port: config.embeddedPgPort });
    database = start('postgres-host.js', [config.dataDir, String(config.embeddedPgPort)], true);
    env.DATABASE_URL = await new Promise<string>((resolve, reject) => {
      database!.once('message', (message: { url: string }) => resolve(message.url));
      database!.once('exit', (code) => reject(new Error(`embedded PostgreSQL did not start (exit code ${code})`)));
    });
  }
  // Create the key file before the children start, so both use the same one.
  loadEncryptionKey(config, true);

  const services = [start('../../api/src/main.js'), start('../../worker/src/main.js')];
  let stoppingSince: number | undefined;
  const stop = async (code: number): Promise<void> => {
    if (stoppingSince !== undefined) {
      // npm forwards the terminal's Ctrl-C too: only a later one means "now".
      if (Date.now() - stoppingSince < 1000) return;
      logger.write('warn', 'stopping now, without waiting for runs to finish');
      services.forEach((child) => child.kill('SIGKILL'));
      return;
    }
    stoppingSince = Date.now();
    logger.write('info', 'stopping: api and worker first (runs may finish), then PostgreSQL');
    await Promise.all(services.map((child) => ended(child, 'SIGTERM')));
    if (database) await ended(database, 'SIGTERM');
    process.exit(code);
  };
  for (const child of [...services, ...(database ? [database] : [])]) {
    child.once('exit', (code) => {
      if (stoppingSince !== undefined) return;
      logger.write('error', 'a service process exited; stopping the rest', { pid: child.pid, code });
      void stop(code || 1);
    });
  }
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

/** Signals a child and resolves once it has exited (at once if it already has). */
function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

main().catch(exitOnBootFailure('launcher'));
