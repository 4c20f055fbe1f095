import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';

/** The worker pool: claims executions and runs them (filled in by the executions work). */
@Injectable()
export class PoolService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.write('info', 'worker pool ready', { slots: this.config.workerSlots });
  }
}
