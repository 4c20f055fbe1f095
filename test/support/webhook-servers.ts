import * as http from 'node:http';
import { Socket } from 'node:net';

/** Polls `check` until it holds; throws naming `what` after `timeoutMs` (generous: machines are shared). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An HTTP server on 127.0.0.1 (a free port) that closes every connection when stopped. */
abstract class LoopbackServer {
  port = 0;
  private readonly sockets = new Set<Socket>();
  protected readonly server = http.createServer((request, response) => this.handle(request, response));

  protected abstract handle(request: http.IncomingMessage, response: http.ServerResponse): void;

  async start(): Promise<void> {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A webhook receiver; `failWhile` makes a path answer 500 while the predicate holds. */
export class Receiver extends LoopbackServer {
  readonly accepted = new Map<string, { body: string; signature: string }[]>();
  readonly refusals = new Map<string, number>();
  failWhile: (path: string, seen: number) => boolean = () => false;

  protected handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const path = request.url ?? '/';
      const seen = (this.refusals.get(path) ?? 0) + (this.accepted.get(path)?.length ?? 0);
      if (this.failWhile(path, seen)) {
        this.refusals.set(path, (this.refusals.get(path) ?? 0) + 1);
        response.writeHead(500).end();
        return;
      }
      const list = this.accepted.get(path) ?? [];
      list.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['x-runner-signature']) });
      this.accepted.set(path, list);
      response.writeHead(204).end();
    });
  }
  records(path: string): any[] {
    return (this.accepted.get(path) ?? []).map((d) => JSON.parse(d.body));
  }
}

/**
 * A slow-drip endpoint: accepts every request, answers 200 and then writes one byte a second, never
 * finishing, so an idle timeout never fires. Counts what a test asserts on: requests per path, the
 * most requests open at once, and how many the caller gave up on (the server itself never ends one).
 */
export class DripServer extends LoopbackServer {
  readonly requests = new Map<string, number>();
  open = 0;
  mostOpen = 0;
  endedByCaller = 0;

  protected handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = request.url ?? '/';
    this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
    this.open++;
    this.mostOpen = Math.max(this.mostOpen, this.open);
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain' });
    const drip = setInterval(() => response.write('.'), 1000);
    response.write('.');
    response.on('close', () => {
      clearInterval(drip);
      this.open--;
      this.endedByCaller++;
    });
  }
  /** A path requested more than once: an attempt was ended by the caller and tried again. */
  retried(): boolean {
    return [...this.requests.values()].some((n) => n > 1);
  }
}

/** Records as a webhook carries them: the status API adds the deliveries made for each (`notifications`). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export const asSent = (records: any[]): any[] => records.map(({ notifications, ...record }) => record);

/** An endpoint that takes each request and never answers (nor closes): counts the requests and how many the caller gave up on. */
export class HangServer extends LoopbackServer {
  requests = 0;
  endedByCaller = 0;

  protected handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests++;
    request.resume();
    response.on('close', () => this.endedByCaller++);
  }
}
