import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionRepository } from '@app/database';

/**
 * Ends runs whose owner stopped heartbeating. A run that had not started Ansible goes back to
 * PENDING; one that had is never repeated blindly: FAILURE "runner lost" (or STOPPED/KILLED when
 * that was already requested). Any worker may reap; the row lock and the fence make it safe.
 */
@Injectable()
export class Reaper {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly executions: ExecutionRepository,
  ) {}

  start(): void {
    const every = (this.config.leaseSeconds * 1000) / 2;
    this.timer = setInterval(() => void this.reap(), every + Math.floor(Math.random() * 1000));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async reap(): Promise<void> {
    try {
      for (const { id, attempt } of await this.executions.lapsed()) {
        const reaped = await this.executions.change(id, attempt, (current) => {
          if (!current.leaseExpiresAt || current.leaseExpiresAt.getTime() > Date.now()) return null;
          if (current.status === 'INITIALIZING') {
            return { status: 'PENDING', set: { owner: null, leaseExpiresAt: null, timers: current.timers.slice(0, -1) }, notify: 'queue' };
          }
          const status = current.status === 'KILLING' ? 'KILLED' : current.status === 'STOPPING' ? 'STOPPED' : 'FAILURE';
          return { status, set: { reason: 'runner lost' } };
        });
        if (reaped) this.logger.write('warn', 'reaped a run whose runner was lost', { executionId: id, status: reaped.status });
      }
    } catch (error) {
      this.logger.write('warn', 'reaper pass failed', { error: (error as Error).message });
    }
  }
}
