import { Body, Controller, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, User } from '@app/database';
import { Requires } from '../common/access';
import { Reads, Removes } from '../common/route-decorators';
import { link } from '../common/links';
import { Paged, paged } from '../common/paged';
import { PageQuery } from '../common/paging';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { checkSameAsPath } from '../common/round-trip';
import { CreateUserRequest, UpdateUserRequest, UserResponse } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('v2/users')
export class UsersController {
  constructor(private readonly service: UsersService) {}

  /** Users of the account, newest first. */
  @Reads(':alias', 'administer')
  async list(@TargetAccount() account: Account, @Query() query: PageQuery): Promise<Paged<UserResponse>> {
    const [users, total] = await this.service.page(account, query.page, query.size);
    return paged(query, users.map((u) => this.shape(u, account)), total);
  }

  @Requires('administer')
  @Post(':alias')
  async create(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserResponse> {
    const user = await this.service.create(account, body, principal.user);
    response.status(201).location(`/v2/users/${account.alias}/${user.username}`);
    return this.shape(user, account);
  }

  /** Replaces the user's roles (its open sessions get the new ones at once). Not your own; never above your own. */
  @Requires('administer')
  @Put(':alias/:username')
  async update(
    @TargetAccount() account: Account,
    @Param('username') username: string,
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    checkSameAsPath({ userName: [body.userName, username], accountAlias: [body.accountAlias, account.alias] });
    return this.shape(await this.service.setRoles(account, username, body.roles, principal.user), account);
  }

  @Removes(':alias/:username', 'administer')
  @HttpCode(204)
  delete(
    @TargetAccount() account: Account,
    @Param('username') username: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.service.delete(account, username, principal.user);
  }

  private shape(user: User, account: Account): UserResponse {
    return {
      userName: user.username,
      accountAlias: account.alias,
      roles: user.roles,
      createdTime: user.createdAt.getTime(),
      links: [
        link('self', `/v2/users/${account.alias}/${user.username}`, { verbs: ['PUT', 'DELETE'] }),
        link('account', `/v2/accounts/${account.alias}`),
      ],
    };
  }
}
