import { io, Socket } from 'socket.io-client';

/** A real socket.io client on the /automation namespace that collects `status` records. */
export class RecordClient {
  readonly socket: Socket;
  readonly records: any[] = [];

  constructor(baseUrl: string, token: string) {
    this.socket = io(`${baseUrl}/automation`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('status', (record) => this.records.push(record));
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
