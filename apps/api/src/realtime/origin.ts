import type { IncomingMessage } from 'node:http';

/**
 * Whether socket.io takes a handshake, judged by its Origin header. Browsers always send Origin on
 * a WebSocket and on cross-origin requests; a page of another site must not open a live feed (its
 * script would hold a user's token, or try to), so only the API's own origin and the configured
 * ones pass. A request with no Origin is not a browser's cross-origin one (programs, the CLI).
 *
 * Own origin = the Origin's host is the Host the request came to: behind a proxy that keeps Host,
 * that is the console served by this API, whatever scheme the proxy terminates.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // `null` (sandboxed frames, file: pages) and other schemes are never an allowed page.
  if (!/^https?:$/.test(url.protocol)) return false;
  if (allowed.includes(url.origin)) return true;
  return host !== undefined && url.host === host.toLowerCase();
}

/** engine.io's `allowRequest`: it runs for every handshake, polling and WebSocket alike (`cors` alone does not stop WebSocket). */
export function allowOrigins(allowed: readonly string[]) {
  return (request: IncomingMessage, answer: (error: string | null, success: boolean) => void): void => {
    const ok = originAllowed(request.headers.origin, request.headers.host, allowed);
    answer(ok ? null : 'origin not allowed (RUNNER_ALLOWED_ORIGINS)', ok);
  };
}
