import { Client } from 'pg';

/**
 * LISTEN on a dedicated connection (a pooled one would lose its subscriptions), reconnecting with
 * backoff when the database goes away. Callers also poll, so a missed notification only delays.
 */
export class PgListener {
  private client?: Client;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly channels: string[],
    private readonly onNotify: (channel: string, payload: string) => void,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((error) => this.retry(error));
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => this.onNotify(n.channel, n.payload ?? ''));
    client.on('error', (error) => this.retry(error));
    client.on('end', () => this.retry(new Error('listener connection ended')));
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  private retry(error: Error): void {
    if (this.stopped || this.retryTimer) return;
    this.onError(error);
    this.client?.removeAllListeners();
    this.client?.end().catch(() => undefined);
    this.client = undefined;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.connect().catch((e) => this.retry(e));
    }, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners();
    await client?.end().catch(() => undefined);
  }
}
