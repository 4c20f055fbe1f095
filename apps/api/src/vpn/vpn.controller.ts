import { Body, Controller, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, VpnConnection } from '@app/database';
import { Requires } from '../common/access';
import { Reads, Removes } from '../common/route-decorators';
import { link } from '../common/links';
import { Paged, paged } from '../common/paged';
import { PageQuery } from '../common/paging';
import { checkSameAsPath } from '../common/round-trip';
import { TargetAccount } from '../common/principal';
import { VpnConnectionRequest, VpnConnectionResponse, VpnTestResponse } from './vpn.dto';
import { VpnService } from './vpn.service';

@ApiTags('vpn')
@Controller('v2/automation/vpn')
export class VpnController {
  constructor(private readonly service: VpnService) {}

  /** Adds an SSH gateway through which runs reach hosts in `networks` (or hosts whose `rnr_vpn` names it). */
  @Requires('manage')
  @Post(':alias')
  async create(@TargetAccount() account: Account, @Body() body: VpnConnectionRequest, @Res({ passthrough: true }) response: Response): Promise<VpnConnectionResponse> {
    const connection = await this.service.create(account, body);
    response.status(201).location(`/v2/automation/vpn/${account.alias}/${connection.id}`);
    return shapeVpnConnection(connection, account);
  }

  @Reads(':alias')
  async list(@TargetAccount() account: Account, @Query() query: PageQuery): Promise<Paged<VpnConnectionResponse>> {
    const [rows, total] = await this.service.page(account, query.page, query.size);
    return paged(query, rows.map((c) => shapeVpnConnection(c, account)), total);
  }

  @Reads(':alias/:id')
  async get(@TargetAccount() account: Account, @Param('id') id: string): Promise<VpnConnectionResponse> {
    return shapeVpnConnection(await this.service.get(account, id), account);
  }

  /** Replaces the connection's definition; GET's body may come back whole (its `id` must be this one's). */
  @Requires('manage')
  @Put(':alias/:id')
  async replace(@TargetAccount() account: Account, @Param('id') id: string, @Body() body: VpnConnectionRequest): Promise<VpnConnectionResponse> {
    checkSameAsPath({ id: [body.id, id] });
    return shapeVpnConnection(await this.service.replace(account, id, body), account);
  }

  @Removes(':alias/:id')
  @HttpCode(204)
  delete(@TargetAccount() account: Account, @Param('id') id: string): Promise<void> {
    return this.service.delete(account, id);
  }

  /** Logs in to the gateway with its key pair now; the outcome also becomes the connection's status. */
  @Requires('manage')
  @Post(':alias/:id/test')
  @HttpCode(200)
  test(@TargetAccount() account: Account, @Param('id') id: string): Promise<VpnTestResponse> {
    return this.service.test(account, id) as Promise<VpnTestResponse>;
  }
}

function shapeVpnConnection(c: VpnConnection, account: Account): VpnConnectionResponse {
  const self = `/v2/automation/vpn/${account.alias}/${c.id}`;
  return {
    id: c.id,
    name: c.name,
    accountAlias: account.alias,
    networks: c.networks,
    gateway: { host: c.gatewayHost, port: c.gatewayPort, username: c.gatewayUsername, keyPairAlias: c.keyPairAlias },
    status: c.status,
    lastCheckedTime: c.lastCheckedAt ? new Date(c.lastCheckedAt).getTime() : null,
    lastCheckMessage: c.statusMessage,
    createdTime: new Date(c.createdAt).getTime(),
    lastUpdatedTime: new Date(c.updatedAt).getTime(),
    links: [
      link('self', self, { verbs: ['GET', 'PUT', 'DELETE'] }),
      link('test', `${self}/test`, { verbs: ['POST'] }),
      link('keypair', `/v2/automation/keypairs/${account.alias}/${c.keyPairAlias}`),
      link('account', `/v2/accounts/${account.alias}`),
    ],
  };
}
