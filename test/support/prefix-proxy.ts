import * as http from 'node:http';
import * as net from 'node:net';

/**
 * A reverse proxy on loopback that serves an api under a path prefix, as an ingress or nginx
 * `location /prefix/` would: requests below the prefix go to the api without it (WebSocket upgrades
 * too), anything else is a 404. It records what it forwarded, so a test can see the CLI came through.
 */
export interface PrefixProxy {
  /** The proxy's URL with the prefix: what the CLI is given as --url. */
  url: string;
  /** Paths (with the prefix) of the HTTP requests forwarded. */
  requests: string[];
  /** Paths (with the prefix) of the WebSocket upgrades forwarded. */
  upgrades: string[];
  /** Paths that were not under the prefix (answered 404). */
  refused: string[];
  stop(): Promise<void>;
}

export async function startPrefixProxy(target: string, prefix: string): Promise<PrefixProxy> {
  const upstream = new URL(target);
  const port = Number(upstream.port);
  const state = { requests: [] as string[], upgrades: [] as string[], refused: [] as string[] };
  const sockets = new Set<net.Socket>();
  const strip = (url = '/'): string | null => (url === prefix ? '/' : url.startsWith(`${prefix}/`) ? url.slice(prefix.length) : null);

  const server = http.createServer((req, res) => {
    const path = strip(req.url);
    if (path === null) {
      state.refused.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not below the prefix' }));
      return;
    }
    state.requests.push(req.url!);
    const forward = http.request({ host: upstream.hostname, port, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.headersSent || res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const path = strip(req.url);
    if (path === null) {
      state.refused.push(req.url ?? '');
      socket.destroy();
      return;
    }
    state.upgrades.push(req.url!);
    const up = net.connect(port, upstream.hostname, () => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${req.method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    for (const s of [socket, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}${prefix}`,
    ...state,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
