import * as path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { RunWorkspaces } from '@app/ansible';
import { ConfigModule, JsonLogger, RunnerConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { KeysModule } from '@app/keys';
import { PoolService } from './pool.service';
import { Reaper } from './reaper';
import { WebhookDispatcher } from './webhook-dispatcher';
import { RunNoticeSender } from './run-notice-sender';
import { OperationRunner } from './operation-runner';
import { Scheduler } from './scheduler';
import { ServiceAccountLogin } from './service-account-login';
import { Retention } from './retention';
import { RunFactory, RunRepositories, RunWrites } from './run/run-factory';

@Module({})
export class WorkerModule {
  static forRoot(config: RunnerConfig, logger: JsonLogger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, KeysModule],
      providers: [
        { provide: JsonLogger, useValue: logger },
        // The Clock comes from DatabaseModule: the repositories, the scheduler, the runs and the reaper share it.
        { provide: RunWorkspaces, useValue: new RunWorkspaces(path.join(config.dataDir, 'workspaces')) },
        Reaper,
        RunNoticeSender,
        WebhookDispatcher,
        OperationRunner,
        ServiceAccountLogin,
        Scheduler,
        Retention,
        RunRepositories,
        RunWrites,
        RunFactory,
        PoolService,
      ],
    };
  }
}
