import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidAlive } from './pid-alive';

/**
 * Network namespaces for VPN tests (TESTING.md, "Several networks"): a gateway namespace joined to
 * the root namespace (where the worker runs) by one veth pair, and target namespaces joined only
 * to a gateway by another. Rules kept here so no test can forget them:
 * - every namespace and link is named `arv<4 hex>…` (this feature's prefix) and every route this
 *   harness adds in the root namespace carries protocol ROUTE_PROTO, so leftovers of a crashed run
 *   are found and removed at the next start without touching anything else; a lab whose test
 *   process is still alive (a suite running in another checkout) is left alone: each lab records
 *   its process id and routes in an owner file;
 * - subnets are link-local 169.254.x.y/30 pairs (and, for IPv6 targets, a random ULA /64) checked
 *   unrouted first (`ip route show match` must give nothing but the default route, no local
 *   address in it);
 * - nothing gets a default route; a target knows only its link to the gateway;
 * - `blockFromRoot` adds an `unreachable` route in the root namespace for a target subnet, so
 *   packets for it never leave the machine through the default route.
 */
export const PREFIX = 'arv';
/** Marks this harness's routes in the root namespace (`ip route … proto 233`). */
export const ROUTE_PROTO = '233';

export interface Subnet {
  /** `169.254.x.y/30` */
  cidr: string;
  /** The first usable address (.y+1) and the second (.y+2). */
  a: string;
  b: string;
}

export interface GatewayNs {
  ns: string;
  /** The gateway's address as the root namespace reaches it. */
  address: string;
  /** The root↔gateway link. */
  subnet: Subnet;
  /** Creates the next gateway↔target link (index per gateway). */
  targets: number;
}

export interface TargetNs {
  ns: string;
  /** The target's address (on its link to the gateway). */
  address: string;
  subnet: Subnet;
  /** With `ipv6`: the target's IPv6 address and its /64. */
  address6?: string;
  subnet6?: Subnet;
  gateway: GatewayNs;
}

function ip(args: string[], options: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
  } catch (error) {
    if (options.allowFail) return '';
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`);
  }
}

/** Processes still inside a namespace (sshd, ssh sessions): they must die before it can go. */
function killNamespaceProcesses(ns: string): void {
  for (const pid of ip(['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Root-namespace routes carrying this harness's protocol. Read from the full table: this
 * iproute2's `route show proto N` filter misses IPv6 routes.
 */
export function taggedRoutes(): { family: '-4' | '-6'; line: string; spec: string[] }[] {
  return (['-4', '-6'] as const).flatMap((family) =>
    ip([family, 'route', 'show'], { allowFail: true })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.split(/\s+/).join(' ').includes(` proto ${ROUTE_PROTO} `) || line.endsWith(` proto ${ROUTE_PROTO}`))
      .map((line) => {
        const words = line.split(/\s+/);
        // `unreachable 169.254.7.4/30 proto 233` → delete by type and destination.
        return { family, line, spec: ['unreachable', 'blackhole', 'prohibit'].includes(words[0]) ? words.slice(0, 2) : words.slice(0, 1) };
      }),
  );
}

const OWNERS = path.join(os.tmpdir(), 'arv-netns-owners');

interface Owner {
  pid: number;
  routes: string[];
}

/** Labs whose test process still runs, by prefix; owner files of dead processes are removed. */
function liveLabs(): Map<string, Owner> {
  const live = new Map<string, Owner>();
  for (const file of fs.existsSync(OWNERS) ? fs.readdirSync(OWNERS) : []) {
    const full = path.join(OWNERS, file);
    try {
      const owner = JSON.parse(fs.readFileSync(full, 'utf8')) as Owner;
      if (pidAlive(owner.pid)) live.set(path.basename(file, '.json'), owner);
      else fs.rmSync(full, { force: true });
    } catch {
      fs.rmSync(full, { force: true });
    }
  }
  return live;
}

/** This feature's namespaces, root links and tagged routes that no live lab owns (or, with `prefix`, that one lab's). */
function orphans(prefix?: string): { namespaces: string[]; links: string[]; routes: ReturnType<typeof taggedRoutes> } {
  const live = prefix ? new Map<string, Owner>() : liveLabs();
  const ours = (name: string): boolean => (prefix ? name.startsWith(prefix) : name.startsWith(PREFIX) && ![...live.keys()].some((p) => name.startsWith(p)));
  const liveRoutes = new Set([...live.values()].flatMap((o) => o.routes));
  const namespaces = ip(['netns', 'list'], { allowFail: true })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((ns) => ns && ours(ns));
  const links = ip(['-o', 'link', 'show'], { allowFail: true })
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => !!name && ours(name));
  const routes = prefix ? [] : taggedRoutes().filter((r) => !liveRoutes.has(r.spec[r.spec.length - 1]));
  return { namespaces, links, routes };
}

/** Everything a run of this harness left behind (a crashed one, or with `prefix` one lab's own). */
export function removeLeftovers(prefix?: string): void {
  const found = orphans(prefix);
  for (const ns of found.namespaces) killNamespaceProcesses(ns);
  for (const link of found.links) ip(['link', 'del', link], { allowFail: true });
  for (const ns of found.namespaces) ip(['netns', 'del', ns], { allowFail: true });
  for (const route of found.routes) ip([route.family, 'route', 'del', ...route.spec], { allowFail: true });
}

/** What is still there of this feature and owned by no running lab: namespaces, root links, tagged routes. */
export function leftovers(): string[] {
  const found = orphans();
  return [...found.namespaces.map((n) => `netns ${n}`), ...found.links.map((l) => `link ${l}`), ...found.routes.map((r) => `route ${r.line}`)];
}

const used = new Set<string>();

/** A /30 in 169.254.0.0/16 that this machine does not route, has no address in, and we did not take. */
function freeSubnet(): Subnet {
  const addresses = ip(['-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 200; attempt++) {
    // Avoid 169.254.0.x and 169.254.255.x (reserved by RFC 3927) and 169.254.169.254 (cloud metadata).
    const third = randomInt(1, 255);
    const fourth = randomInt(0, 64) * 4;
    if (third === 169) continue;
    const base = `169.254.${third}.`;
    const cidr = `${base}${fourth}/30`;
    if (used.has(cidr)) continue;
    const a = `${base}${fourth + 1}`;
    const b = `${base}${fourth + 2}`;
    if ([a, b, `${base}${fourth}`, `${base}${fourth + 3}`].some((addr) => new RegExp(`inet ${addr.replace(/\./g, '\\.')}/`).test(addresses))) continue;
    // Only the default route may cover it (and it will be overridden by the link or an unreachable route).
    const routes = [a, b].flatMap((addr) => ip(['route', 'show', 'match', addr]).split('\n').filter((l) => l.trim()));
    if (routes.some((route) => !route.startsWith('default '))) continue;
    used.add(cidr);
    return { cidr, a, b };
  }
  throw new Error('no unrouted 169.254.x.y/30 found');
}

/** A random ULA /64 (fdXX:XXXX:XXXX:XXXX::/64) that nothing on this machine routes but the default route. */
function freeSubnet6(): Subnet {
  const addresses = ip(['-o', '-6', 'addr', 'show']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const groups = [0xfd00 | randomInt(0, 256), randomInt(0, 0x10000), randomInt(0, 0x10000), randomInt(0, 0x10000)].map((g) => g.toString(16));
    const prefix = groups.join(':');
    const cidr = `${prefix}::/64`;
    if (used.has(cidr) || addresses.includes(`inet6 ${prefix}:`)) continue;
    const a = `${prefix}::1`;
    const b = `${prefix}::2`;
    const routes = [a, b].flatMap((addr) => ip(['-6', 'route', 'show', 'match', addr]).split('\n').filter((l) => l.trim()));
    if (routes.some((route) => !route.startsWith('default '))) continue;
    used.add(cidr);
    return { cidr, a, b };
  }
  throw new Error('no unrouted ULA /64 found');
}

/** One test file's namespaces and links; destroy() removes all of them (call it in afterAll). */
export class NetnsLab {
  readonly prefix = `${PREFIX}${randomBytes(2).toString('hex')}`;
  private readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];
  private readonly rootRoutes: string[] = [];
  private gateways = 0;

  constructor() {
    removeLeftovers();
    fs.mkdirSync(OWNERS, { recursive: true, mode: 0o700 });
    this.saveOwner();
  }

  /** A namespace joined to the root namespace: the gateway is reachable from the worker. */
  addGateway(): GatewayNs {
    const index = this.gateways++;
    const ns = `${this.prefix}g${index}`;
    const subnet = freeSubnet();
    this.namespace(ns);
    const rootSide = `${this.prefix}r${index}`;
    this.rootLinks.push(rootSide);
    ip(['link', 'add', rootSide, 'type', 'veth', 'peer', 'name', `${ns}x`, 'netns', ns]);
    ip(['addr', 'add', `${subnet.a}/30`, 'dev', rootSide]);
    ip(['link', 'set', rootSide, 'up']);
    ip(['-n', ns, 'addr', 'add', `${subnet.b}/30`, 'dev', `${ns}x`]);
    ip(['-n', ns, 'link', 'set', `${ns}x`, 'up']);
    return { ns, address: subnet.b, subnet, targets: 0 };
  }

  /** A namespace reachable only through `gateway`: it has one link, to the gateway, and no other route. */
  addTarget(gateway: GatewayNs, options: { ipv6?: boolean } = {}): TargetNs {
    const index = gateway.targets++;
    const ns = `${gateway.ns}t${index}`;
    const subnet = freeSubnet();
    this.namespace(ns);
    const gatewaySide = `${ns}g`;
    ip(['-n', gateway.ns, 'link', 'add', gatewaySide, 'type', 'veth', 'peer', 'name', `${ns}x`, 'netns', ns]);
    ip(['-n', gateway.ns, 'addr', 'add', `${subnet.a}/30`, 'dev', gatewaySide]);
    ip(['-n', gateway.ns, 'link', 'set', gatewaySide, 'up']);
    ip(['-n', ns, 'addr', 'add', `${subnet.b}/30`, 'dev', `${ns}x`]);
    ip(['-n', ns, 'link', 'set', `${ns}x`, 'up']);
    if (!options.ipv6) return { ns, address: subnet.b, subnet, gateway };
    const subnet6 = freeSubnet6();
    // nodad: usable at once, instead of "tentative" for the duplicate address detection's second or two.
    ip(['-n', gateway.ns, '-6', 'addr', 'add', `${subnet6.a}/64`, 'dev', gatewaySide, 'nodad']);
    ip(['-n', ns, '-6', 'addr', 'add', `${subnet6.b}/64`, 'dev', `${ns}x`, 'nodad']);
    return { ns, address: subnet.b, subnet, address6: subnet6.b, subnet6, gateway };
  }

  /** An `unreachable` route in the root namespace: nothing for this subnet leaves the machine. */
  blockFromRoot(subnet: Subnet): void {
    // Recorded first: a crash right after the add must still find it owned, then orphaned.
    this.rootRoutes.push(subnet.cidr);
    this.saveOwner();
    ip(['route', 'add', 'unreachable', subnet.cidr, 'proto', ROUTE_PROTO]);
  }

  /** The routes of a namespace, for asserting the isolation rules. */
  routes(ns: string): string[] {
    return [...ip(['-n', ns, 'route', 'show']).split('\n'), ...ip(['-n', ns, '-6', 'route', 'show']).split('\n')].filter((l) => l.trim());
  }

  /** Processes still running inside this lab's namespaces (`ns: pid`). */
  processes(): string[] {
    return this.namespaces.flatMap((ns) => ip(['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean).map((pid) => `${ns}: ${pid}`));
  }

  /** Kills every process left in the namespaces, then removes routes, links and namespaces. */
  destroy(): void {
    for (const cidr of this.rootRoutes) ip(['route', 'del', 'unreachable', cidr], { allowFail: true });
    for (const ns of [...this.namespaces].reverse()) killNamespaceProcesses(ns);
    for (const link of this.rootLinks) ip(['link', 'del', link], { allowFail: true });
    for (const ns of [...this.namespaces].reverse()) ip(['netns', 'del', ns], { allowFail: true });
    removeLeftovers(this.prefix);
    fs.rmSync(this.ownerFile, { force: true });
    try {
      fs.rmdirSync(OWNERS);
    } catch {
      // another lab's owner file is still there
    }
  }

  private get ownerFile(): string {
    return path.join(OWNERS, `${this.prefix}.json`);
  }

  private saveOwner(): void {
    const owner: Owner = { pid: process.pid, routes: this.rootRoutes };
    fs.writeFileSync(this.ownerFile, JSON.stringify(owner));
  }

  private namespace(ns: string): void {
    ip(['netns', 'add', ns]);
    this.namespaces.push(ns);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
}
