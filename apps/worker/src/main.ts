import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, JsonLogger, loadConfig, stopWhenLauncherGone } from '@app/config';
import { ansiblePlaybookVersion } from '@app/ansible';
import { WorkerModule } from './worker.module';

/** Headless: no HTTP. Claims and runs executions against the shared PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('worker', config.logLevel, config.logFormat);
  const ansible = await ansiblePlaybookVersion(config.ansiblePlaybook);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), { logger });
  app.enableShutdownHooks();
  await app.init();
  stopWhenLauncherGone(config);
  logger.write('info', 'worker started', { ansible });
}

main().catch(exitOnBootFailure('worker'));
