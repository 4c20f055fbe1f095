import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { exitOnBootFailure, JsonLogger, loadConfig } from '@app/config';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '@app/database';
import { loadEncryptionKey } from '@app/keys';

/**
 * `npm start`: one machine, everything. Starts an embedded PostgreSQL when DATABASE_URL is unset
 * (data kept in RUNNER_DATA_DIR), then the api and one worker as child processes, and stops them
 * all together: a child that dies takes the others down, so nothing half-runs.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('launcher', config.logLevel);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let database: EmbeddedPostgresHandle | undefined;
  if (!config.databaseUrl) {
    logger.write('info', 'starting embedded PostgreSQL', { dataDir: config.dataDir, port: config.embeddedPgPort });
    database = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'runner' });
    env.DATABASE_URL = database.url;
  }
  // Create the key file before the children start, so both use the same one.
  loadEncryptionKey(config, true);

  const children: ChildProcess[] = ['api', 'worker'].map((name) =>
    spawn(process.execPath, [path.resolve(__dirname, '..', '..', name, 'src', 'main.js')], { env, stdio: 'inherit' }),
  );
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await database?.stop();
    process.exit(code);
  };
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        logger.write('error', 'a service process exited; stopping the rest', { pid: child.pid, code });
        void stop(code || 1);
      }
    });
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
}

main().catch(exitOnBootFailure('launcher'));
