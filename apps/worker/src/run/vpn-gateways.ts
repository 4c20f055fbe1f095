import type { InventoryHost, Workspace } from '@app/ansible';
import type { RunnerConfig } from '@app/config';
import type { KeypairRepository, VpnConnection, VpnConnectionRepository } from '@app/database';
import { routeHosts } from '@app/domain';
import { checkConnection, SecretBox } from '@app/keys';

/** A gateway the run needs cannot be used: the run ends INIT_FAILURE with this message. */
export class VpnUnavailable extends Error {}

export interface VpnDependencies {
  vpn: VpnConnectionRepository;
  keypairs: KeypairRepository;
  box: SecretBox;
  config: Pick<RunnerConfig, 'probeAllowInternal'>;
}

export interface VpnPlan {
  /** The inventory hosts, those behind a gateway with their SSH jump set. */
  hosts: InventoryHost[];
  /** Gateway private keys for the run's ssh-agent (and its secret masker); none: no VPN needed. */
  keys: { privateKey: string; label: string }[];
}

/**
 * VPN connections for one run (while INITIALIZING): decides which hosts go through which gateway
 * (routeHosts: CIDR match on the host's address, or its `rnr_vpn` var), logs in to every gateway
 * needed now and records the outcome as the connection's status, and gives each routed host an
 * SSH jump through its gateway. The gateway's key is served by the run's ssh-agent and its host
 * key must match the account's known hosts (StrictHostKeyChecking=yes on the jump: the check
 * just now remembered it on first contact).
 */
export async function prepareVpn(
  deps: VpnDependencies,
  connections: VpnConnection[],
  hosts: InventoryHost[],
  selected: (hostId: string) => boolean,
  workspace: Workspace,
): Promise<VpnPlan> {
  if (!connections.length) return { hosts, keys: [] };
  const { routes, unknown } = routeHosts(hosts.filter((h) => selected(h.id)), connections);
  if (unknown.length) {
    throw new VpnUnavailable(unknown.map((u) => `host ${u.host}: rnr_vpn names no VPN connection ${u.name} in this account`).join('; '));
  }
  const routedTo = new Set(routes.values());
  const used = connections.filter((c) => routedTo.has(c.name));
  if (!used.length) return { hosts, keys: [] };

  // The account's known hosts, as the run's workspace holds them.
  const knownLines = workspace.readKnownHosts();
  const checks = await Promise.all(used.map((connection) => check(deps, connection, knownLines)));
  const down = checks.filter((c) => c.failure).map((c) => c.failure!);
  if (down.length) throw new VpnUnavailable(down.join('; '));
  // A gateway key seen for the first time: the jump checks it strictly, and the run's end stores it
  // with the others (ExecutionRun.rememberHostKeys).
  const newLines = checks.map((c) => c.newKnownHost).filter((l): l is string => !!l);
  if (newLines.length) workspace.writeKnownHosts([...knownLines, ...newLines]);
  const keys = checks.map((c) => ({ privateKey: c.privateKey!, label: `of key pair ${c.connection.keyPairAlias} (VPN gateway ${c.connection.name})` }));

  // The jump offers only the gateway's key (IdentitiesOnly with its public key file), so a run
  // with many keys in its agent does not exhaust the gateway's MaxAuthTries first.
  const jumps = new Map(
    checks.map((c, i) => [c.connection.name, jumpArguments(c.connection, workspace, workspace.write(`gateway-${i}.pub`, `${c.publicKey}\n`))]),
  );
  const jumped = hosts.map((host) => {
    const via = routes.get(host.id);
    if (!via) return host;
    const existing = host.hostVars?.ansible_ssh_common_args;
    const jump = jumps.get(via)!;
    return { ...host, hostVars: { ...host.hostVars, ansible_ssh_common_args: typeof existing === 'string' && existing ? `${jump} ${existing}` : jump } };
  });
  return { hosts: jumped, keys };
}

async function check(
  deps: VpnDependencies,
  connection: VpnConnection,
  knownLines: string[],
): Promise<{ connection: VpnConnection; failure?: string; privateKey?: string; publicKey?: string; newKnownHost?: string }> {
  const result = await checkConnection({ ...deps, allowInternal: deps.config.probeAllowInternal }, connection, knownLines);
  return result.status === 'up'
    ? { connection, privateKey: result.privateKey, publicKey: result.publicKey, newKnownHost: result.newKnownHost }
    : { connection, failure: result.message };
}

/** Quoted for /bin/sh, which runs a ProxyCommand. */
function sh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `-o ProxyCommand=…` for ansible_ssh_common_args (Ansible splits it with shlex, ssh hands the
 * command to /bin/sh after expanding %-tokens, hence three layers of quoting). The jump ssh reads
 * only the run's ssh config and known hosts, so the gateway's host key is checked like any other,
 * strictly; its key comes from the run's ssh-agent (SSH_AUTH_SOCK is inherited).
 */
export function jumpArguments(
  connection: Pick<VpnConnection, 'gatewayHost' | 'gatewayPort' | 'gatewayUsername'>,
  workspace: Workspace,
  publicKeyFile: string,
): string {
  // `%` would start a ProxyCommand token: doubled, it stands for itself.
  const file = (path: string): string => sh(path).replace(/%/g, '%%');
  const command = [
    'ssh',
    `-F ${file(workspace.path('ssh_config'))}`,
    `-o UserKnownHostsFile=${file(workspace.path('known_hosts'))}`,
    `-o IdentityFile=${file(publicKeyFile)}`,
    '-o IdentitiesOnly=yes',
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
    '-o ControlMaster=no',
    '-o ConnectTimeout=20',
    `-p ${connection.gatewayPort}`,
    `-l ${sh(connection.gatewayUsername)}`,
    `-W '[%h]:%p'`,
    sh(connection.gatewayHost),
  ].join(' ');
  // shlex (POSIX mode) reads single quotes exactly as /bin/sh does.
  return `-o ${sh(`ProxyCommand=${command}`)}`;
}
