import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { randomUUID } from 'node:crypto';
import { Account, KeypairRepository, KnownHostRepository, VpnConnection, VpnConnectionRepository } from '@app/database';
import { conflict, findOverlap, invalid, notFound, parseAddress, parseCidr, Clock } from '@app/domain';
import { checkConnection, GatewayCheck, probeHostProblem, SecretBox } from '@app/keys';
import { isUuid } from '../common/ids';
import { VpnConnectionRequest } from './vpn.dto';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

@Injectable()
export class VpnService {
  constructor(
    private readonly connections: VpnConnectionRepository,
    private readonly keypairs: KeypairRepository,
    private readonly knownHosts: KnownHostRepository,
    private readonly box: SecretBox,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly clock: Clock,
  ) {}

  async create(account: Account, request: VpnConnectionRequest): Promise<VpnConnection> {
    const now = this.clock.now();
    const connection: VpnConnection = {
      id: randomUUID(),
      accountId: account.id,
      ...(await this.checked(account, request)),
      status: 'unknown',
      statusMessage: null,
      lastCheckedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.write(account, connection, 'insert');
    return connection;
  }

  /** PUT replaces the definition; a changed gateway forgets the last check's status. */
  async replace(account: Account, id: string, request: VpnConnectionRequest): Promise<VpnConnection> {
    const current = await this.get(account, id);
    const fields = await this.checked(account, request);
    const sameGateway = (['gatewayHost', 'gatewayPort', 'gatewayUsername', 'keyPairAlias'] as const).every((k) => current[k] === fields[k]);
    const updated: VpnConnection = {
      ...current,
      ...fields,
      ...(sameGateway ? {} : { status: 'unknown', statusMessage: null, lastCheckedAt: null }),
      updatedAt: this.clock.now(),
    };
    await this.write(account, updated, 'update');
    return updated;
  }

  async get(account: Account, id: string): Promise<VpnConnection> {
    const connection = isUuid(id) ? await this.connections.find(account.id, id) : null;
    if (!connection) throw notFound(`VPN connection ${id}`);
    return connection;
  }

  page(account: Account, page: number, size: number): Promise<[VpnConnection[], number]> {
    return this.connections.page(account.id, page, size);
  }

  async delete(account: Account, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.connections.delete(account.id, id))) throw notFound(`VPN connection ${id}`);
  }

  /**
   * Logs in to the gateway now, from this api node (in-process SSH, no child process), and
   * records the outcome as the connection's status. Workers check again before every run.
   */
  async test(account: Account, id: string): Promise<GatewayCheck> {
    const connection = await this.get(account, id);
    const check = await checkConnection(
      { keypairs: this.keypairs, vpn: this.connections, box: this.box, allowInternal: this.config.probeAllowInternal },
      connection,
      await this.knownHosts.lines(account.id),
    );
    if (check.newKnownHost) await this.knownHosts.remember(account.id, [check.newKnownHost]);
    // The answer: never the key.
    return { status: check.status, latencyMs: check.latencyMs, message: check.message };
  }

  /** What the DTO cannot check: CIDR syntax, the gateway host, the key pair. Overlaps are checked when writing. */
  private async checked(
    account: Account,
    request: VpnConnectionRequest,
  ): Promise<Pick<VpnConnection, 'name' | 'networks' | 'gatewayHost' | 'gatewayPort' | 'gatewayUsername' | 'keyPairAlias'>> {
    const networks = request.networks.map((text, i) => {
      const parsed = parseCidr(text);
      if ('error' in parsed) throw invalid(`networks.${i}`, parsed.error);
      return parsed.text;
    });
    const host = request.gateway.host;
    if (!parseAddress(host) && !HOSTNAME.test(host)) throw invalid('gateway.host', 'must be an IPv4 or IPv6 address or a DNS name');
    // Refused now, where the tenant gives it; `test` and runs check again when they connect.
    const internal = await probeHostProblem(host, this.config.probeAllowInternal);
    if (internal) throw invalid('gateway.host', internal);
    const keypair = await this.keypairs.find(account.id, request.gateway.keyPairAlias);
    if (!keypair) throw invalid('gateway.keyPairAlias', `no key pair ${request.gateway.keyPairAlias} in ${account.alias}`);
    if (!keypair.sealedPrivateKey) throw invalid('gateway.keyPairAlias', `key pair ${request.gateway.keyPairAlias} has no private key (imported with its public key only)`);
    return {
      name: request.name,
      networks,
      gatewayHost: host.replace(/^\[(.*)\]$/, '$1'),
      gatewayPort: request.gateway.port ?? 22,
      gatewayUsername: request.gateway.username,
      keyPairAlias: request.gateway.keyPairAlias,
    };
  }

  private async write(account: Account, connection: VpnConnection, mode: 'insert' | 'update'): Promise<void> {
    const outcome = await this.connections.write(connection, mode, (others) => {
      const overlap = findOverlap(connection, others);
      if (overlap) throw invalid(`networks.${overlap.index}`, overlap.message);
    });
    if (outcome === 'duplicate') throw conflict(`A VPN connection named ${connection.name} already exists in ${account.alias}`);
    if (outcome === 'missing') throw notFound(`VPN connection ${connection.id}`);
  }
}
