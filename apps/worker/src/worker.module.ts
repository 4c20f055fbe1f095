import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, JsonLogger, RunnerConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { KeysModule } from '@app/keys';
import { Clock, SystemClock } from '@app/domain';
import { PoolService } from './pool.service';
import { Reaper } from './reaper';
import { WebhookDispatcher } from './webhook-dispatcher';
import { RunNoticeSender } from './run-notice-sender';
import { OperationRunner } from './operation-runner';
import { Scheduler } from './scheduler';
import { Retention } from './retention';
import { RunFactory, RunRepositories } from './run/run-factory';

@Module({})
export class WorkerModule {
  static forRoot(config: RunnerConfig, logger: JsonLogger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, KeysModule],
      providers: [
        { provide: JsonLogger, useValue: logger },
        { provide: Clock, useClass: SystemClock },
        Reaper,
        RunNoticeSender,
        WebhookDispatcher,
        OperationRunner,
        Scheduler,
        Retention,
        RunRepositories,
        RunFactory,
        PoolService,
      ],
    };
  }
}
