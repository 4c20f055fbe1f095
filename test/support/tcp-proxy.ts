import * as net from 'node:net';

/**
 * A TCP relay on loopback in front of the test PostgreSQL, that a test can cut: while cut, every
 * open connection is reset and new ones are refused as soon as they arrive, as a database that went
 * away looks to its clients (ECONNRESET, then "connection terminated"). The suite's shared
 * PostgreSQL stays up; only this route to it goes down.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  private server?: net.Server;
  port = 0;

  constructor(private readonly target: net.NetConnectOpts) {}

  /** A relay to the PostgreSQL of `url`: over its Unix socket (the embedded one's only listener) or TCP. */
  static forPostgres(url: string): TcpProxy {
    const parsed = new URL(url);
    const port = Number(parsed.port || 5432);
    const socketDir = parsed.searchParams.get('host');
    return new TcpProxy(socketDir ? { path: `${socketDir}/.s.PGSQL.${port}` } : { host: parsed.hostname, port });
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** `url` with its host and port replaced by this relay's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    routed.searchParams.delete('host');
    return routed.toString();
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private relay(client: net.Socket): void {
    if (this.down) return void client.destroy();
    const upstream = net.connect(this.target);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
