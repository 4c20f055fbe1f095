import { JsonLogger } from '@app/config';

/**
 * A background pass run every few milliseconds, never two at once (a slow pass is not stacked
 * upon); a failing pass is logged and the next one tries again.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running = false;

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
    } catch (error) {
      this.logger.write('warn', `${this.name} pass failed`, { error: (error as Error).message });
    } finally {
      this.running = false;
    }
  }
}
