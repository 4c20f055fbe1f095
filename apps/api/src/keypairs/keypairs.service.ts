import { Injectable } from '@nestjs/common';
import { Account, Keypair, KeypairRepository, Operation, OperationRepository, ServerRepository } from '@app/database';
import { conflict, invalid, notFound, Clock } from '@app/domain';
import { fingerprint, generateKeyPair, parsePublicKey, publicKeyOf, sealed, SecretBox } from '@app/keys';
import { DeployTarget, GenerateKeypairRequest, ImportKeypairRequest } from './keypair.dto';

export interface DeployedKeypair {
  keypair: Keypair;
  deployedServers: { serverId: string; usernames: string[] }[];
}

export interface SavedKeypair {
  keypair: Keypair;
  privateKey?: string;
  operations: { serverId: string; usernames: string[]; operation: Operation }[];
}

@Injectable()
export class KeypairsService {
  constructor(
    private readonly keypairs: KeypairRepository,
    private readonly servers: ServerRepository,
    private readonly operations: OperationRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** A new key; the private key is returned once and kept only sealed. */
  async generate(account: Account, alias: string, request: GenerateKeypairRequest): Promise<SavedKeypair> {
    const type = request.type ?? 'ed25519';
    if (request.bits !== undefined && type !== 'rsa') throw invalid('bits', 'applies to rsa keys only');
    if (await this.keypairs.find(account.id, alias)) throw conflict(`Key pair ${alias} already exists in ${account.alias}`);
    await this.checkTargets(account, request.deployToServers);
    const generated = await generateKeyPair(type, request.bits, `${alias}@${account.alias}`);
    const key = parsePublicKey(generated.publicKey)!;
    const keypair = this.record(account, alias, key.line, key.type, fingerprint(key), generated.privateKey);
    if (!(await this.keypairs.save(keypair, false))) throw conflict(`Key pair ${alias} already exists in ${account.alias}`);
    return { keypair, privateKey: generated.privateKey, operations: await this.deployAll(account, alias, request.deployToServers) };
  }

  /**
   * PUT: imports (or replaces) a key pair from its public key and, optionally, its private key. The
   * private key is write-only: a PUT that leaves it out for the same public key keeps the stored one
   * (a GET → PUT round trip must not break the jobs that use the key pair); `null` removes it.
   */
  async import(account: Account, alias: string, request: ImportKeypairRequest): Promise<SavedKeypair> {
    const key = parsePublicKey(request.publicKey);
    if (!key) throw invalid('publicKey', 'must be an OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa)');
    if (typeof request.privateKey === 'string') {
      const derived = await publicKeyOf(request.privateKey);
      if (!derived) throw invalid('privateKey', 'is not an unencrypted OpenSSH or PEM private key');
      if (!derived.blob.equals(key.blob)) throw invalid('privateKey', 'does not match publicKey');
    }
    await this.checkTargets(account, request.deployToServers);
    const previous = request.privateKey === undefined ? await this.keypairs.find(account.id, alias) : null;
    const keepPrivate = previous?.sealedPrivateKey && parsePublicKey(previous.publicKey)?.blob.equals(key.blob);
    const keypair = this.record(account, alias, key.line, key.type, fingerprint(key), typeof request.privateKey === 'string' ? request.privateKey : null);
    if (keepPrivate) keypair.sealedPrivateKey = previous.sealedPrivateKey;
    await this.keypairs.save(keypair, true);
    return { keypair, operations: await this.deployAll(account, alias, request.deployToServers) };
  }

  async get(account: Account, alias: string): Promise<Keypair> {
    const keypair = await this.keypairs.find(account.id, alias);
    if (!keypair) throw notFound(`Key pair ${alias}`);
    return keypair;
  }

  /** A key pair with where it is installed (its stored deployments). */
  async getDeployed(account: Account, alias: string): Promise<DeployedKeypair> {
    const [keypair, deployments] = await Promise.all([this.get(account, alias), this.keypairs.deployments(account.id, alias)]);
    return { keypair, deployedServers: deployments.get(alias) ?? [] };
  }

  async list(account: Account): Promise<DeployedKeypair[]> {
    const [keypairs, deployments] = await Promise.all([this.keypairs.list(account.id), this.keypairs.deployments(account.id)]);
    return keypairs.map((keypair) => ({ keypair, deployedServers: deployments.get(keypair.alias) ?? [] }));
  }

  async delete(account: Account, alias: string): Promise<void> {
    if (!(await this.keypairs.delete(account.id, alias))) throw notFound(`Key pair ${alias}`);
  }

  async usernames(account: Account, alias: string, serverId: string): Promise<string[]> {
    await this.get(account, alias);
    await this.server(account, serverId);
    return this.keypairs.deployedUsernames(account.id, alias, serverId);
  }

  /** Queues an install (or removal) of the public key for these users on one server. */
  async deploy(account: Account, alias: string, serverId: string, usernames: string[], remove = false): Promise<Operation> {
    await this.get(account, alias);
    await this.server(account, serverId);
    return this.operations.enqueue(account.id, remove ? 'undeployKey' : 'deployKey', { keypairAlias: alias, serverId, usernames });
  }


  private async server(account: Account, serverId: string): Promise<void> {
    if (!(await this.servers.find(account.id, serverId))) throw notFound(`Server ${serverId}`);
  }

  private async checkTargets(account: Account, targets: DeployTarget[] = []): Promise<void> {
    for (const [i, target] of targets.entries()) {
      if (!(await this.servers.find(account.id, target.serverId))) throw invalid(`deployToServers.${i}.serverId`, `no server ${target.serverId} in ${account.alias}`);
    }
  }

  private async deployAll(account: Account, alias: string, targets: DeployTarget[] = []): Promise<SavedKeypair['operations']> {
    const queued = [];
    for (const target of targets) {
      queued.push({ ...target, operation: await this.deploy(account, alias, target.serverId, target.usernames) });
    }
    return queued;
  }

  private record(account: Account, alias: string, publicKey: string, type: string, print: string, privateKey: string | null): Keypair {
    return {
      accountId: account.id,
      alias,
      type,
      publicKey,
      fingerprint: print,
      sealedPrivateKey: privateKey ? this.box.seal(privateKey, sealed.keypair(account.id, alias)) : null,
      createdAt: this.clock.now(),
    };
  }
}
