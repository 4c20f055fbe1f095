import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { KeypairRepository, Operation, OperationRepository, ServerRepository } from '@app/database';
import { DeploymentError, deployPublicKey, parsePublicKey, sealed, SecretBox } from '@app/keys';
import { Periodic } from './periodic';

/**
 * Runs queued operations (key deployment and removal over SSH) one at a time per worker. Woken by
 * the pool's NOTIFY listener, with a polling fallback; an operation whose worker died is taken over
 * when its lease lapses (deployment is idempotent, so running it again is safe).
 */
@Injectable()
export class OperationRunner {
  private readonly periodic: Periodic;
  private workerId = 'worker';

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly operations: OperationRepository,
    private readonly keypairs: KeypairRepository,
    private readonly servers: ServerRepository,
    private readonly box: SecretBox,
  ) {
    this.periodic = new Periodic('operation', logger, async () => {
      for (let op = await this.operations.claim(this.workerId, 120); op; op = await this.operations.claim(this.workerId, 120)) {
        await this.run(op);
      }
    });
  }

  start(workerId: string): void {
    this.workerId = workerId;
    this.periodic.start(Math.max(this.config.pollIntervalMs, 1000));
  }

  stop(): void {
    this.periodic.stop();
  }

  /** Runs what is queued now (a NOTIFY arrived). */
  drain(): Promise<void> {
    return this.periodic.run();
  }

  private async run(op: Operation): Promise<void> {
    const { keypairAlias, serverId, usernames } = op.request as { keypairAlias: string; serverId: string; usernames: string[] };
    const remove = op.kind === 'undeployKey';
    try {
      const [keypair, server] = await Promise.all([this.keypairs.find(op.accountId, keypairAlias), this.servers.find(op.accountId, serverId)]);
      if (!keypair || !server) throw new DeploymentError(`the key pair ${keypairAlias} or the server ${serverId} no longer exists`);
      const installed = await this.keypairs.deployedFor(op.accountId, server.name, server.username);
      const results = await deployPublicKey(
        {
          name: server.name,
          host: server.ipAddress,
          port: server.port,
          username: server.username,
          password: server.sealedPassword ? this.box.open(server.sealedPassword, sealed.serverPassword(server.accountId, server.name)) : undefined,
          privateKeys: installed.map((k) => this.box.open(k.sealedPrivateKey!, sealed.keypair(k.accountId, k.alias))),
          knownHostKey: server.hostKey,
          allowInternal: this.config.probeAllowInternal,
        },
        parsePublicKey(keypair.publicKey)!,
        usernames,
        remove,
        (hostKey) => this.servers.rememberHostKey(op.accountId, server.name, hostKey),
      );
      const done = Object.entries(results).filter(([, r]) => r === 'installed' || r === 'removed').map(([u]) => u);
      await this.keypairs.recordDeployment(op.accountId, keypairAlias, server.name, done, !remove);
      const failed = Object.entries(results).filter(([, r]) => r.startsWith('failed'));
      await this.operations.finish(
        op.id,
        failed.length ? 'failed' : 'succeeded',
        failed.length ? failed.map(([u, r]) => `${u}: ${r}`).join('; ') : `${remove ? 'removed from' : 'installed for'} ${done.join(', ')} on ${server.name}`,
        { [server.name]: results },
      );
    } catch (error) {
      const message = error instanceof DeploymentError ? error.message : `internal error: ${(error as Error).message}`;
      await this.operations.finish(op.id, 'failed', message, {});
    }
  }
}
