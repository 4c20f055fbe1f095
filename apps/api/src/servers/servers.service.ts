import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Account, Server, ServerRepository } from '@app/database';
import { conflict, DomainError, invalid, notFound, Clock } from '@app/domain';
import { openServerHostVars, probeHostProblem, sealed, sealServerHostVars, SecretBox } from '@app/keys';
import { PatchOperation, ServerRequest } from './server.dto';

@Injectable()
export class ServersService {
  constructor(
    private readonly servers: ServerRepository,
    private readonly box: SecretBox,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly clock: Clock,
  ) {}

  async create(account: Account, request: ServerRequest): Promise<Server> {
    await this.checkAddress(request.ipAddress);
    const now = this.clock.now();
    const server: Server = {
      accountId: account.id,
      ...withDefaults(request),
      ...sealServerHostVars(this.box, { accountId: account.id, name: request.name }, request.hostVars ?? {}, {}),
      sealedPassword: request.password ? this.box.seal(request.password, sealed.serverPassword(account.id, request.name)) : null,
      hostKey: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.servers.insert(server))) throw conflict(`Server ${request.name} already exists in ${account.alias}`);
    return server;
  }

  async get(account: Account, name: string): Promise<Server> {
    const server = await this.servers.find(account.id, name);
    if (!server) throw notFound(`Server ${name}`);
    return server;
  }

  page(account: Account, page: number, size: number): Promise<[Server[], number]> {
    return this.servers.page(account.id, page, size);
  }

  async delete(account: Account, name: string): Promise<void> {
    if (!(await this.servers.delete(account.id, name))) throw notFound(`Server ${name}`);
  }

  /** `[{op: "set", member, value}]`: the result is validated as a whole, like a POST, before anything is stored. */
  async patch(account: Account, name: string, operations: PatchOperation[]): Promise<Server> {
    if (!Array.isArray(operations) || operations.length === 0) throw new DomainError('validation', 'The body must be a non-empty array of {op: "set", member, value}');
    const server = await this.get(account, name);
    // Secrets as "$encrypted$": a PATCH that leaves hostVars alone, or sends them back so, keeps them.
    const hostVars = openServerHostVars(this.box, server);
    const current: Record<string, unknown> = {
      name: server.name,
      description: server.description,
      ipAddress: server.ipAddress,
      port: server.port,
      group: server.group,
      ...(server.locationId !== null ? { locationId: server.locationId } : {}),
      ...(server.os !== null ? { os: server.os } : {}),
      username: server.username,
      hostVars: hostVars.shown,
    };
    let password: string | null | undefined;
    for (const operation of operations) {
      if (operation.member === 'password') password = operation.value === null ? null : (operation.value as string);
      else current[operation.member] = operation.value;
    }
    const merged = plainToInstance(ServerRequest, { ...current, ...(password ? { password } : {}) });
    const errors = await validate(merged, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const first = errors[0];
      throw invalid(first.property, Object.values(first.constraints ?? {})[0]?.replace(`${first.property} `, '') ?? 'is not valid');
    }
    await this.checkAddress(merged.ipAddress);
    const updated: Server = {
      ...server,
      ...withDefaults(merged),
      ...sealServerHostVars(this.box, server, merged.hostVars ?? {}, hostVars.secrets),
      sealedPassword: password === undefined ? server.sealedPassword : password === null ? null : this.box.seal(password, sealed.serverPassword(server.accountId, server.name)),
      updatedAt: this.clock.now(),
    };
    await this.servers.update(updated);
    return updated;
  }

  /**
   * Key deployment logs in to this address from a worker: refused now, where the tenant gives it,
   * if it is internal (loopback, link-local, metadata, the service's own); the worker checks again
   * when it connects.
   */
  private async checkAddress(ipAddress: string): Promise<void> {
    const internal = await probeHostProblem(ipAddress, this.config.probeAllowInternal);
    if (internal) throw invalid('ipAddress', internal);
  }
}

/** The plain fields of a validated request, with the defaults of API.md (port 22, "Default Group", root). */
function withDefaults(request: ServerRequest): Pick<Server, 'name' | 'description' | 'ipAddress' | 'port' | 'group' | 'locationId' | 'os' | 'username'> {
  return {
    name: request.name,
    description: request.description ?? '',
    ipAddress: request.ipAddress,
    port: request.port ?? 22,
    group: request.group ?? 'Default Group',
    locationId: request.locationId ?? null,
    os: request.os ?? null,
    username: request.username ?? 'root',
  };
}
