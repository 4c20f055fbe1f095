/**
 * Which host of a run goes through which VPN connection (an SSH gateway): CIDR parsing and
 * matching for IPv4 and IPv6, overlap checks, and the routing decision. Pure: no I/O, so the
 * api (validation) and the worker (routing) share exactly the same rules.
 */

export interface Cidr {
  family: 4 | 6;
  /** The network address (host bits zero). */
  network: bigint;
  prefix: number;
  /** Canonical text (`10.1.0.0/16`, `fd00:1::/48`). */
  text: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function parseIpv4(text: string): bigint | null {
  if (!IPV4.test(text)) return null;
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return null;
  let body = text;
  // An embedded IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (text.slice(lastColon + 1).includes('.')) {
    const tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === null) return null;
    body = `${text.slice(0, lastColon + 1)}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const split = (part: string): string[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups : null;
  };
  let groups: string[];
  if (halves.length === 2) {
    const left = split(halves[0]);
    const right = split(halves[1]);
    if (!left || !right || left.length + right.length > 7) return null;
    groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  } else {
    const plain = split(body);
    if (!plain || plain.length !== 8) return null;
    groups = plain;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An IP address as a number and its family; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) counts as IPv4. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIpv4(trimmed);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseIpv6(trimmed);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (of two or more) of zero groups becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** Parses `address/prefix`; the error says what is wrong (for a 400 naming the field). */
export function parseCidr(text: string): Cidr | { error: string } {
  if (typeof text !== 'string') return { error: 'must be a string in CIDR notation' };
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match) return { error: `${JSON.stringify(text)} is not in CIDR notation (address/prefix, e.g. 10.20.0.0/16 or fd00:1::/48)` };
  const v4 = parseIpv4(match[1]);
  const v6 = v4 === null ? parseIpv6(match[1]) : null;
  if (v4 === null && v6 === null) return { error: `${JSON.stringify(text)}: ${match[1]} is not an IPv4 or IPv6 address` };
  const family: 4 | 6 = v4 !== null ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(match[2]);
  if (prefix > bits) return { error: `${JSON.stringify(text)}: the prefix must be 0-${bits} for IPv${family}` };
  const value = (v4 ?? v6)!;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    return { error: `${JSON.stringify(text)} has host bits set; did you mean ${formatAddress(family, value & ~hostMask)}/${prefix}?` };
  }
  return { family, network: value, prefix, text: `${formatAddress(family, value)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, address: { family: 4 | 6; value: bigint }): boolean {
  if (cidr.family !== address.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return address.value >> shift === cidr.network >> shift;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shift = BigInt((a.family === 4 ? 32 : 128) - Math.min(a.prefix, b.prefix));
  return a.network >> shift === b.network >> shift;
}

export interface NamedNetworks {
  name: string;
  networks: string[];
}

/**
 * The first overlap between `candidate`'s networks (with each other, or with another connection's),
 * as a sentence for a 400; null when there is none. `others` must not include the candidate itself.
 */
export function findOverlap(candidate: NamedNetworks, others: NamedNetworks[]): { index: number; message: string } | null {
  const own = candidate.networks.map((n) => parseCidr(n) as Cidr);
  for (let i = 0; i < own.length; i++) {
    for (let j = 0; j < i; j++) {
      if (cidrsOverlap(own[i], own[j])) return { index: i, message: `${own[i].text} overlaps ${own[j].text} of the same connection` };
    }
    for (const other of others) {
      for (const network of other.networks) {
        const parsed = parseCidr(network);
        if ('error' in parsed) continue;
        if (cidrsOverlap(own[i], parsed)) return { index: i, message: `${own[i].text} overlaps ${parsed.text} of VPN connection ${other.name}` };
      }
    }
  }
  return null;
}

export interface RoutableHost {
  id: string;
  hostVars?: Record<string, unknown>;
}

/** The host var that sends a host through a named connection whatever its address. */
export const VPN_HOST_VAR = 'rnr_vpn';

/**
 * Which connection each host goes through. A host's address is its `ansible_host` (dynamic
 * inventory sets it from the server record), else its id when that is an IP address; `rnr_vpn`
 * names a connection explicitly and wins over the address. Hosts that match nothing, and hosts
 * with an `ansible_connection` other than ssh, are absent.
 * `unknown` lists hosts whose `rnr_vpn` names no connection (a preparation error).
 */
export function routeHosts(
  hosts: RoutableHost[],
  connections: NamedNetworks[],
): { routes: Map<string, string>; unknown: { host: string; name: string }[] } {
  const parsed = connections.map((c) => ({
    name: c.name,
    cidrs: c.networks.map(parseCidr).filter((n): n is Cidr => !('error' in n)),
  }));
  const routes = new Map<string, string>();
  const unknown: { host: string; name: string }[] = [];
  for (const host of hosts) {
    // A host Ansible does not reach over OpenSSH (local, docker, winrm…) has nothing to jump.
    const connection = host.hostVars?.ansible_connection;
    if (typeof connection === 'string' && connection !== 'ssh') continue;
    const explicit = host.hostVars?.[VPN_HOST_VAR];
    if (typeof explicit === 'string' && explicit !== '') {
      if (parsed.some((c) => c.name === explicit)) routes.set(host.id, explicit);
      else unknown.push({ host: host.id, name: explicit });
      continue;
    }
    const declared = host.hostVars?.ansible_host;
    const address = parseAddress(typeof declared === 'string' ? declared : host.id);
    if (!address) continue;
    // Networks of one account never overlap, but prefer the most specific match regardless.
    let best: { name: string; prefix: number } | null = null;
    for (const connection of parsed) {
      for (const cidr of connection.cidrs) {
        if (cidrContains(cidr, address) && (!best || cidr.prefix > best.prefix)) best = { name: connection.name, prefix: cidr.prefix };
      }
    }
    if (best) routes.set(host.id, best.name);
  }
  return { routes, unknown };
}
