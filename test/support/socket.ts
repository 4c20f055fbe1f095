import { io, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';

/** A real socket.io client on the /automation namespace that collects `status` records. */
export class RecordClient {
  readonly socket: Socket;
  readonly records: any[] = [];
  /** What the server said when it ended the connection (event `unauthorized`). */
  readonly told: { message: string }[] = [];
  private readonly disconnected: Promise<string>;

  /** `options` for a test's own transports or headers (an `Origin`, for one). */
  constructor(baseUrl: string, token: string, options: Partial<ManagerOptions & SocketOptions> = {}) {
    this.socket = io(`${baseUrl}/automation`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, ...options });
    this.socket.on('status', (record) => this.records.push(record));
    this.socket.on('unauthorized', (told) => this.told.push(told));
    this.disconnected = new Promise((resolve) => this.socket.once('disconnect', (reason) => resolve(reason)));
  }

  /** socket.io's reason once the connection ended; rejects if it is still up after `timeoutMs`. */
  async waitForDisconnect(timeoutMs = 60_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms; told ${JSON.stringify(this.told)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.disconnected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (error) => reject(error));
      this.socket.connect();
    });
  }

  subscribe(body: object): Promise<{ ok: boolean; message?: string }> {
    return this.socket.timeout(10_000).emitWithAck('subscribe', body);
  }

  get lastCounter(): number {
    return this.records.length ? this.records[this.records.length - 1].counter : 0;
  }

  /** Waits until a record of `type` has arrived. */
  async waitFor(predicate: (records: any[]) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.records)) {
      if (Date.now() > deadline) throw new Error(`timed out; ${this.records.length} records, last ${JSON.stringify(this.records.at(-1))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const ended = (records: any[]): boolean => records.some((r) => r.event_type === 'playbook_result');
