import { io, Socket } from 'socket.io-client';

/**
 * Where the `/automation` feed lives under a server URL. socket.io-client reads a URL's path as the
 * namespace, so behind a path prefix (`https://host/prefix`) the prefix goes into the engine path
 * instead: namespace `https://host/automation`, path `/prefix/socket.io`. Pure.
 */
export function socketTarget(url: string, namespace = '/automation'): { uri: string; path: string } {
  const parsed = new URL(url);
  return { uri: `${parsed.origin}${namespace}`, path: `${parsed.pathname.replace(/\/+$/, '')}/socket.io` };
}

/** A socket on the real-time feed, authenticated with the token, reconnecting on its own. */
export function openFeedSocket(url: string, token: string): Socket {
  const target = socketTarget(url);
  return io(target.uri, {
    path: target.path,
    auth: { token },
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
}
