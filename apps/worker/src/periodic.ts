import { JsonLogger } from '@app/config';

/**
 * Logs a run of failures with the same message (a database outage would repeat it every pass) once,
 * and its end once.
 */
export class FailureLog {
  private failing?: string;

  constructor(
    private readonly logger: JsonLogger,
    private readonly failedMessage: string,
    private readonly worksAgainMessage: string,
  ) {}

  failed(error: unknown): void {
    const message = (error as Error).message;
    if (message !== this.failing) this.logger.write('warn', this.failedMessage, { error: message });
    this.failing = message;
  }

  succeeded(): void {
    if (this.failing !== undefined) this.logger.write('info', this.worksAgainMessage);
    this.failing = undefined;
  }
}

/**
 * A background pass run every few milliseconds, never two at once (a slow pass is not stacked
 * upon); a failing pass is logged (see FailureLog) and the next one tries again.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly failures: FailureLog;

  constructor(
    name: string,
    logger: JsonLogger,
    private readonly pass: () => Promise<unknown>,
  ) {
    this.failures = new FailureLog(logger, `${name} pass failed`, `${name} pass works again`);
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.run(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass now (or nothing, when one is under way). */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.pass();
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
    } finally {
      this.running = false;
    }
  }
}
