import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { deleteInBatches, RETENTION_BATCH, RetentionRepository } from '@app/database';
import { Periodic } from './periodic';

/**
 * Deletes finished runs past their account's retention (README "Retention"), in small batches with
 * a pause between them. Every worker runs the pass; an advisory lock taken by each batch lets one
 * worker delete at a time, the others find it taken and try again at their next pass.
 */
@Injectable()
export class Retention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic: Periodic;
  private stopping = false;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly retention: RetentionRepository,
  ) {
    this.periodic = new Periodic('retention', logger, () => this.pass());
  }

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.retention.intervalMs);
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.periodic.stop();
  }

  private async pass(): Promise<void> {
    const deleted = await deleteInBatches(
      () => this.retention.deleteExpiredBatch(this.config.retention.days, RETENTION_BATCH),
      () => !this.stopping,
    );
    if (deleted.executions) this.logger.write('info', 'retention deleted old runs', { ...deleted });
  }
}
