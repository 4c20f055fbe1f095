import { cidrContains, parseAddress, parseCidr, type Cidr } from './vpn-routing';

/**
 * What kind of special-purpose address an IP address is, for the guards on the service's own
 * outgoing connections: webhooks refuse every kind, SSH probes (VPN gateways, key deployment) only
 * the kinds that reach the service's own machine or its cloud (PROBE_REFUSED_KINDS), since tenants'
 * servers live in private networks. Pure: one table, shared by both guards.
 */
export type AddressKind = 'unspecified' | 'loopback' | 'link-local' | 'metadata' | 'private' | 'shared' | 'multicast' | 'reserved';

// First match wins: the metadata addresses sit inside link-local, ULA and shared ranges.
const RANGES: [Cidr, AddressKind][] = (
  [
    ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, Oracle
    ['fd00:ec2::254/128', 'metadata'], // AWS over IPv6
    ['100.100.100.200/32', 'metadata'], // Alibaba
    ['0.0.0.0/8', 'unspecified'],
    ['::/128', 'unspecified'],
    ['127.0.0.0/8', 'loopback'],
    ['::1/128', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['fe80::/10', 'link-local'],
    ['10.0.0.0/8', 'private'],
    ['172.16.0.0/12', 'private'],
    ['192.168.0.0/16', 'private'],
    ['fc00::/7', 'private'],
    ['100.64.0.0/10', 'shared'],
    ['224.0.0.0/4', 'multicast'],
    ['ff00::/8', 'multicast'],
    ['192.0.0.0/24', 'reserved'],
    ['198.18.0.0/15', 'reserved'],
    ['240.0.0.0/4', 'reserved'],
  ] as const
).map(([text, kind]) => [parseCidr(text) as Cidr, kind]);

const NAT64 = parseCidr('64:ff9b::/96') as Cidr;

/** The kinds an SSH probe from the service refuses unless the operator allows them. */
export const PROBE_REFUSED_KINDS: ReadonlySet<AddressKind> = new Set(['unspecified', 'loopback', 'link-local', 'metadata']);

/**
 * The kind of `address`, or null for an ordinary (public) address; undefined when it is not an IP
 * address. IPv4-mapped IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is its IPv4 address, and a NAT64
 * address (`64:ff9b::a.b.c.d`) is what its IPv4 part is (else reserved): both reach that IPv4 host.
 * A zone (`fe80::1%eth0`) is ignored.
 */
export function addressKind(address: string): AddressKind | null | undefined {
  const parsed = parseAddress(address.replace(/%[\w.-]+$/, ''));
  if (!parsed) return undefined;
  const target = parsed.family === 6 && cidrContains(NAT64, parsed) ? { family: 4 as const, value: parsed.value & 0xffffffffn } : parsed;
  const kind = RANGES.find(([cidr]) => cidrContains(cidr, target))?.[1] ?? null;
  return target !== parsed && kind === null ? 'reserved' : kind;
}

/** One spelling per address (IPv4-mapped as IPv4, IPv6 without zone or leading zeros), to compare addresses. */
export function addressKey(address: string): string | undefined {
  const parsed = parseAddress(address.replace(/%[\w.-]+$/, ''));
  return parsed ? `${parsed.family}:${parsed.value.toString(16)}` : undefined;
}

/** "a loopback address", "a cloud metadata address", … for messages. */
export function describeKind(kind: AddressKind): string {
  const names: Record<AddressKind, string> = {
    unspecified: 'an unspecified (this-host) address',
    loopback: 'a loopback address',
    'link-local': 'a link-local address',
    metadata: 'a cloud metadata address',
    private: 'a private address',
    shared: 'a shared (carrier-grade NAT) address',
    multicast: 'a multicast address',
    reserved: 'a reserved address',
  };
  return names[kind];
}
