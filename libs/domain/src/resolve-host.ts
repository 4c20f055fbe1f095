import * as dns from 'node:dns';

/**
 * Every address a name resolves to (the system resolver, as a connection would use), with a
 * deadline: the guards on outgoing connections (webhooks, SSH probes) check each one, and a slow
 * resolver must not hold a request for the resolver's own minutes.
 */
export function resolveAll(hostname: string, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`resolving ${hostname} timed out`), { code: 'EAI_AGAIN' })), timeoutMs);
    dns.lookup(hostname, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });
}
