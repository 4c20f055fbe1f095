import { Body, Controller, HttpCode, Param, ParseArrayPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, Server } from '@app/database';
import { hideSecrets } from '@app/domain';
import { Requires } from '../common/access';
import { Reads, Removes } from '../common/route-decorators';
import { link } from '../common/links';
import { Paged, paged } from '../common/paged';
import { PageQuery } from '../common/paging';
import { TargetAccount } from '../common/principal';
import { checkSameAsPath } from '../common/round-trip';
import { PATCH_IGNORED, PatchOperation, ServerRequest, ServerResponse } from './server.dto';
import { ServersService } from './servers.service';

@ApiTags('servers')
@Controller('v2/servers')
export class ServersController {
  constructor(private readonly service: ServersService) {}

  /** Registers a server that jobs can target (`useDynamicInventory`) and keys can be deployed to. */
  @Requires('manage')
  @Post(':alias')
  async create(@TargetAccount() account: Account, @Body() body: ServerRequest, @Res({ passthrough: true }) response: Response): Promise<ServerResponse> {
    const server = await this.service.create(account, body);
    response.status(201).location(`/v2/servers/${account.alias}/${server.name}`);
    return shapeServer(server, account);
  }

  @Reads(':alias')
  async list(@TargetAccount() account: Account, @Query() query: PageQuery): Promise<Paged<ServerResponse>> {
    const [rows, total] = await this.service.page(account, query.page, query.size);
    return paged(query, rows.map((s) => shapeServer(s, account)), total);
  }

  @Reads(':alias/:name')
  async get(@TargetAccount() account: Account, @Param('name') name: string): Promise<ServerResponse> {
    return shapeServer(await this.service.get(account, name), account);
  }

  /**
   * `[{"op": "set", "member": "...", "value": ...}]`. Every member GET returned may be sent back:
   * `name` must be this server's, the read-only members are ignored (README "Round trips").
   */
  @Requires('manage')
  @Patch(':alias/:name')
  @ApiBody({ type: [PatchOperation] })
  async patch(
    @TargetAccount() account: Account,
    @Param('name') name: string,
    @Body(new ParseArrayPipe({ items: PatchOperation, whitelist: true, forbidNonWhitelisted: true })) body: PatchOperation[],
  ): Promise<ServerResponse> {
    for (const operation of body) if (operation.member === 'name') checkSameAsPath({ name: [operation.value as string, name] });
    const changes = body.filter((operation) => !PATCH_IGNORED.includes(operation.member));
    // Only read-only members (GET's body sent back unchanged): nothing to change.
    if (body.length && !changes.length) return shapeServer(await this.service.get(account, name), account);
    return shapeServer(await this.service.patch(account, name, changes), account);
  }

  @Removes(':alias/:name')
  @HttpCode(204)
  delete(@TargetAccount() account: Account, @Param('name') name: string): Promise<void> {
    return this.service.delete(account, name);
  }
}

export function shapeServer(server: Server, account: Account): ServerResponse {
  return {
    name: server.name,
    description: server.description,
    ipAddress: server.ipAddress,
    port: server.port,
    group: server.group,
    locationId: server.locationId,
    os: server.os,
    username: server.username,
    hasPassword: server.sealedPassword !== null,
    // Also hides secrets stored in clear before servers sealed theirs (server-host-vars.ts).
    hostVars: hideSecrets(server.hostVars),
    createdTime: new Date(server.createdAt).getTime(),
    lastUpdatedTime: new Date(server.updatedAt).getTime(),
    links: [link('self', `/v2/servers/${account.alias}/${server.name}`), link('account', `/v2/accounts/${account.alias}`)],
  };
}
