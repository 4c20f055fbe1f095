import { Body, Controller, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, Keypair } from '@app/database';
import { invalid } from '@app/domain';
import { Requires } from '../common/access';
import { Reads, Removes } from '../common/route-decorators';
import { checkSameAsPath } from '../common/round-trip';
import { link } from '../common/links';
import { TargetAccount } from '../common/principal';
import { GenerateKeypairRequest, ImportKeypairRequest, KEYPAIR_ALIAS, KeypairResponse, UsernamesRequest } from './keypair.dto';
import { OperationResponse, shapeOperation } from '../operations/operation.dto';
import { KeypairsService, SavedKeypair } from './keypairs.service';

function checkAlias(alias: string): string {
  if (!KEYPAIR_ALIAS.test(alias)) throw invalid('keypairAlias', 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)');
  return alias;
}

@ApiTags('keypairs')
@Controller()
export class KeypairsController {
  constructor(private readonly service: KeypairsService) {}

  @Reads('v2/automation/keypairs/:alias')
  async list(@TargetAccount() account: Account): Promise<KeypairResponse[]> {
    return (await this.service.list(account)).map((k) => shapeKeypair(k.keypair, account, k.deployedServers));
  }

  /** Generates a key pair (ed25519 by default). The private key is in this response only. */
  @Requires('manage')
  @Post('v2/automation/keypairs/:alias/:keypairAlias')
  async generate(
    @TargetAccount() account: Account,
    @Param('keypairAlias') alias: string,
    @Body() body: GenerateKeypairRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<KeypairResponse> {
    const saved = await this.service.generate(account, checkAlias(alias), body);
    response.status(201).location(`/v2/automation/keypairs/${account.alias}/${alias}`);
    return shapeSaved(saved, account);
  }

  /** Imports an existing key pair (replacing one of the same alias). */
  @Requires('manage')
  @Put('v2/automation/keypairs/:alias/:keypairAlias')
  async import(@TargetAccount() account: Account, @Param('keypairAlias') alias: string, @Body() body: ImportKeypairRequest): Promise<KeypairResponse> {
    checkSameAsPath({ alias: [body.alias, alias] });
    return shapeSaved(await this.service.import(account, checkAlias(alias), body), account);
  }

  @Reads('v2/automation/keypairs/:alias/:keypairAlias')
  async get(@TargetAccount() account: Account, @Param('keypairAlias') alias: string): Promise<KeypairResponse> {
    const { keypair, deployedServers } = await this.service.getDeployed(account, alias);
    return shapeKeypair(keypair, account, deployedServers);
  }

  @Removes('v2/automation/keypairs/:alias/:keypairAlias')
  @HttpCode(204)
  delete(@TargetAccount() account: Account, @Param('keypairAlias') alias: string): Promise<void> {
    return this.service.delete(account, alias);
  }

  /** Usernames on that server whose authorized_keys hold this key. */
  @Reads('v2/automation/keypairs/:alias/:keypairAlias/:serverId')
  async usernames(@TargetAccount() account: Account, @Param('keypairAlias') alias: string, @Param('serverId') serverId: string): Promise<{ usernames: string[] }> {
    return { usernames: await this.service.usernames(account, alias, serverId) };
  }

  /** Installs the public key for these users over SSH (202; follow the `status` link). */
  @Requires('manage')
  @Post('v2/automation/keypairs/:alias/:keypairAlias/:serverId')
  @HttpCode(202)
  async deploy(
    @TargetAccount() account: Account,
    @Param('keypairAlias') alias: string,
    @Param('serverId') serverId: string,
    @Body() body: UsernamesRequest,
  ): Promise<OperationResponse> {
    return shapeOperation(await this.service.deploy(account, alias, serverId, body.usernames), account.alias);
  }

  /** Removes the public key (that line only) for these users (202). */
  @Removes('v2/automation/keypairs/:alias/:keypairAlias/:serverId')
  @HttpCode(202)
  async undeploy(
    @TargetAccount() account: Account,
    @Param('keypairAlias') alias: string,
    @Param('serverId') serverId: string,
    @Body() body: UsernamesRequest,
  ): Promise<OperationResponse> {
    return shapeOperation(await this.service.deploy(account, alias, serverId, body.usernames, true), account.alias);
  }
}

/** `deployedServers`: where the key is installed, or (in the answer that queued them) the deployments under way. */
function shapeKeypair(keypair: Keypair, account: Account, deployedServers: KeypairResponse['deployedServers']): KeypairResponse {
  return {
    alias: keypair.alias,
    type: keypair.type,
    publicKey: keypair.publicKey,
    fingerprint: keypair.fingerprint,
    deployedServers,
    createdTime: new Date(keypair.createdAt).getTime(),
    links: [link('self', `/v2/automation/keypairs/${account.alias}/${keypair.alias}`, { verbs: ['GET', 'PUT', 'DELETE'] })],
  };
}

/** The answer that created or imported a key pair: each deployment it queued, with its status link as deploy gives. */
function shapeSaved(saved: SavedKeypair, account: Account): KeypairResponse {
  const deployments = saved.operations.map((o) => {
    const status = shapeOperation(o.operation, account.alias).links[0];
    return { serverId: o.serverId, usernames: o.usernames, operation: status.href, links: [status] };
  });
  return { ...shapeKeypair(saved.keypair, account, deployments), ...(saved.privateKey ? { privateKey: saved.privateKey } : {}) };
}
