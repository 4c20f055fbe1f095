import { isIP } from 'node:net';
import * as os from 'node:os';
import { addressKey, addressKind, describeKind, PROBE_REFUSED_KINDS, resolveAll } from '@app/domain';

/**
 * The guard on the service's own SSH connections to tenants' hosts (VPN `test`, the gateway check
 * before a run, key deployment): they must not reach the machine the service runs on or its
 * cloud's metadata service, or a tenant could use the service to knock on ports no tenant should
 * see. Refused: loopback, link-local, unspecified and metadata addresses (IPv4-mapped and NAT64
 * forms too) and the addresses of this machine's interfaces. Private networks are allowed: that is
 * where tenants' servers are. The operator setting turns the guard off (the tests' sshd listens on
 * loopback).
 */
export const PROBE_ALLOW_SETTING = 'RUNNER_PROBE_ALLOW_INTERNAL';

const RESOLVE_TIMEOUT_MS = 5000;

/** A target the guard refused; its message names the address and why (for the tenant and the operator). */
export class ProbeRefused extends Error {}

/** The addresses of this machine's interfaces now (interfaces come and go, so asked each time: it is cheap). */
function ownAddressKeys(): Set<string> {
  const keys = Object.values(os.networkInterfaces())
    .flat()
    .map((i) => (i ? addressKey(i.address) : undefined));
  return new Set(keys.filter((k): k is string => !!k));
}

/** What makes this IP address internal ("a loopback address", …), or null when the service may connect to it. */
export function internalAddress(address: string): string | null {
  const kind = addressKind(address);
  if (kind && PROBE_REFUSED_KINDS.has(kind)) return describeKind(kind);
  const key = addressKey(address);
  if (key && ownAddressKeys().has(key)) return "an address of the service's own machine";
  return null;
}

/** The refusal as the tenant and the operator read it: what, and the setting that would allow it. */
function refusal(problem: string): string {
  return `${problem}; the service does not connect to internal addresses (an operator may allow them with ${PROBE_ALLOW_SETTING}=true)`;
}

/**
 * Resolves `host` (an IP address is its own answer) and checks every address it resolves to; the
 * answer is the address to connect to, so that a second lookup (DNS rebinding) cannot swap in
 * one that was not checked. Throws ProbeRefused, or the resolver's error (code ENOTFOUND, …).
 */
export async function resolveProbeTarget(host: string, allowInternal: boolean): Promise<string> {
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(literal) ? [literal] : await resolveAll(literal, RESOLVE_TIMEOUT_MS);
  if (!addresses.length) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  if (!allowInternal) {
    for (const address of addresses) {
      const what = internalAddress(address);
      if (what) throw new ProbeRefused(refusal(address === literal ? `${address} is ${what}` : `${literal} resolves to ${address}, ${what}`));
    }
  }
  return addresses[0];
}

/**
 * For the API, where a tenant gives the address: the refusal for a 400, or null. A name that does
 * not resolve now is accepted (it may later); the probe checks again when it connects.
 */
export async function probeHostProblem(host: string, allowInternal: boolean): Promise<string | null> {
  if (allowInternal) return null;
  try {
    await resolveProbeTarget(host, false);
    return null;
  } catch (error) {
    return error instanceof ProbeRefused ? error.message : null;
  }
}
