import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { addressKind, describeKind, resolveAll } from '@app/domain';

/** Why this address may not be called (any special-purpose kind: webhooks go to public hosts only), or null when it may. */
export function forbiddenAddress(address: string): string | null {
  const kind = addressKind(address);
  if (kind === undefined) return `${address} is not an IP address`;
  return kind ? `${address} is ${describeKind(kind)}` : null;
}

/**
 * At job creation: refuse a callback URL whose host is, or resolves to, a forbidden address.
 * A name that does not resolve now is accepted; delivery checks again at connect time.
 */
export async function callbackUrlProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return forbiddenAddress(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is loopback`;
  const addresses = await resolveAll(host, 3000).catch(() => []);
  for (const address of addresses) {
    const problem = forbiddenAddress(address);
    if (problem) return `${host} resolves to ${problem}`;
  }
  return null;
}

/**
 * POSTs a webhook. The address is checked in the socket's own lookup (so DNS rebinding cannot slip
 * past), redirects are not followed (a 3xx is a failure), and `timeoutMs` is a deadline on the whole
 * attempt (lookup, connect, send, the full response): an idle timeout alone would be reset by every
 * byte of an endpoint that drips its answer, and such an attempt would never end.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; timeoutMs: number },
): Promise<number> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const lookup: typeof dns.lookup = ((hostname: string, opts: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses as dns.LookupAddress[];
      const allowed = options.allowPrivate ? list : list.filter((a) => !forbiddenAddress(a.address));
      if (!allowed.length) return callback(new Error(`${hostname} resolves only to forbidden addresses`));
      if (opts.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  }) as typeof dns.lookup;
  return new Promise((resolve, reject) => {
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && !options.allowPrivate && forbiddenAddress(literal)) return reject(new Error(forbiddenAddress(literal)!));
    const request = client.request(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }, lookup },
      (response) => {
        response.resume();
        response.on('end', () => finish(null, response.statusCode ?? 0));
        response.on('error', (error) => finish(error));
      },
    );
    const deadline = setTimeout(() => finish(new Error(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    // Settles once; a failure also destroys the socket, so a dripping endpoint is hung up on.
    const finish = (error: Error | null, status = 0): void => {
      clearTimeout(deadline);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(status);
    };
    request.on('error', (error) => finish(error));
    request.end(body);
  });
}
