import { loadConfig, stopWhenLauncherGone } from '@app/config';
import { startEmbeddedPostgres } from '@app/database';

/**
 * The launcher's embedded PostgreSQL, in a process of its own that the launcher starts in a new
 * process group: a Ctrl-C in the terminal then reaches the launcher, which drains the api and the
 * worker first, and not PostgreSQL, which must stop last. Usage (by the launcher only):
 * `postgres-host.js DATA_DIR PORT`; sends `{url}` over IPC once up; stops the cluster on SIGTERM, which
 * it also sends itself when the launcher is gone (RUNNER_LAUNCHER_PID).
 */
async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const database = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'runner' });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void database.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  stopWhenLauncherGone(loadConfig());
  process.send!({ url: database.url });
}

main().catch((error: Error) => {
  process.stderr.write(`embedded PostgreSQL: ${error.message}\n`);
  process.exit(1);
});
