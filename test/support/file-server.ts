import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface TestFileServer {
  url(path: string): string;
  /** The path of every request received. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * Serves fixed files (path to content) on 127.0.0.1 over plain HTTP; 404 for any other path. A
 * request for one of the `trickling` paths gets a byte every half second and never its end (a
 * source that stalls without ever idling long enough for a client's read timeout).
 */
export async function startFileServer(files: Record<string, Buffer>, trickling: string[] = []): Promise<TestFileServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    if (trickling.includes(req.url!)) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 1_000_000_000 });
      const timer = setInterval(() => res.write('x'), 500);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const body = Object.hasOwn(files, req.url!) ? files[req.url!] : undefined;
    if (!body) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
