import { JsonLogger } from '@app/config';

/**
 * A background pass run every few milliseconds, never two at once (a slow pass is not stacked
 * upon); a failing pass is logged and the next one tries again. A run of failures with the same
 * message (a database outage) is logged once, and its end once.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running = false;
  private failing?: string;

  constructor(
    private readonly name: string,
    private readonly logger: JsonLogger,
    private readonly pass: () => Promise<unknown>,
  ) {}

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
      if (this.failing !== undefined) this.logger.write('info', `${this.name} pass works again`);
      this.failing = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.failing) this.logger.write('warn', `${this.name} pass failed`, { error: message });
      this.failing = message;
    } finally {
      this.running = false;
    }
  }
}
