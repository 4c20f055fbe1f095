import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import * as path from 'node:path';
import * as express from 'express';
import { JsonLogger, loadConfig } from '@app/config';
import { AccountsService } from './accounts/accounts.service';
import { ApiModule } from './api.module';
import { DrainState } from './common/drain-state';
import { runnerGaPaths } from './compat/runner-ga';
import { consoleStatic } from './console/console-static';
import { refuseHostileInput } from './common/hostile-input.middleware';
import { HttpMetrics } from './common/http-metrics';
import { RealtimeIoAdapter } from './realtime/realtime-io-adapter';
import { requestContext, requireJsonBody } from './common/request-context.middleware';
import { strictValidationPipe } from './common/validation';
import { httpsOptions } from './tls-options';
import { exitOnBootFailure, stopWhenLauncherGone } from '@app/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('api', config.logLevel, config.logFormat);
  const metrics = new HttpMetrics();
  const drain = new DrainState();
  // Before anything else: a bad certificate stops the boot, naming the variable.
  const https = httpsOptions(config.tls);
  // With httpsOptions Nest makes an HTTPS server, and socket.io (RealtimeIoAdapter) attaches to it: wss.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, logger, metrics, drain), {
    logger,
    bodyParser: false,
    ...(https ? { httpsOptions: https } : {}),
  });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config.allowedOrigins));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // The Runner's GA paths (/jobs/…, /status/…, …) become their /v2 twins before anything looks at
  // the path (no-store, metrics, the console, which shares their page paths).
  app.use(runnerGaPaths);
  app.use(requestContext(logger, metrics, drain));
  // The web console (npm run build puts it in dist/web, beside dist/apps).
  const webConsole = consoleStatic(path.resolve(__dirname, '..', '..', '..', 'web'));
  if (webConsole) app.use(webConsole);
  app.use(requireJsonBody);
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));
  app.use(refuseHostileInput);
  app.useGlobalPipes(strictValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('automation-runner')
      .setDescription(
        'Runs Ansible playbooks for teams: the CenturyLink Cloud v2 automation ("Runner") API, rebuilt. ' +
          'Errors are `{message, errors?: [{field, message}]}`. Lists are paged with `?page` (0-based) and `?size` (1-100), newest first. ' +
          'Secrets (private keys, passwords, repository credentials) are write-only: a PUT that leaves one out keeps it, `null` removes it. ' +
          'Round trips: a PUT (or a server PATCH) may carry back what GET returned; its read-only fields are ignored, and an id that differs from the path is a 400.',
      )
      .setVersion('2')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('v2/docs', app, document, { jsonDocumentUrl: 'v2/openapi.json' });

  await app.get(AccountsService).bootstrap();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  logger.write('info', 'api listening', { port: typeof address === 'object' ? address?.port : config.port, scheme: https ? 'https' : 'http' });

  // Drain, then stop: /readyz answers 503 for RUNNER_API_DRAIN_SECONDS while requests are still
  // served (with Connection: close), then the server stops listening, finishes in-flight requests
  // and closes the socket.io connections (clients reconnect to another node and resume).
  const shutdown = async (signal: string): Promise<void> => {
    if (drain.draining) return;
    drain.draining = true;
    logger.write('info', 'draining', { signal, seconds: config.apiDrainSeconds });
    await new Promise((resolve) => setTimeout(resolve, config.apiDrainSeconds * 1000));
    await app.close();
    logger.write('info', 'api stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
  stopWhenLauncherGone(config);
}

main().catch(exitOnBootFailure('api'));
