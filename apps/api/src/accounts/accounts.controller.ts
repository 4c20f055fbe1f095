import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account } from '@app/database';
import { Requires } from '../common/access';
import { Reads } from '../common/route-decorators';
import { link } from '../common/links';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { accountPathCovers, rolesAllow } from '@app/domain';
import { AccountResponse, CreateAccountRequest } from './account.dto';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@Controller('v2/accounts')
export class AccountsController {
  constructor(private readonly service: AccountsService) {}

  /** The account, its parent and its direct sub-accounts. */
  @Reads(':alias')
  async get(@TargetAccount() account: Account, @CurrentPrincipal() principal: Principal): Promise<AccountResponse> {
    const [parent, children] = await Promise.all([this.service.parentOf(account), this.service.children(account)]);
    return this.shape(account, parent, children, principal);
  }

  /** Creates a sub-account below `:alias`. */
  @Requires('administer')
  @Post(':alias')
  async create(
    @TargetAccount() parent: Account,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateAccountRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AccountResponse> {
    const account = await this.service.createSubAccount(parent, body.alias, body.name);
    response.status(201).location(`/v2/accounts/${account.alias}`);
    return this.shape(account, parent, [], principal);
  }

  /** Only links the caller may follow: no parent above its own account, no users without administer. */
  private shape(account: Account, parent: Account | null, children: Account[], principal: Principal): AccountResponse {
    const seesParent = parent !== null && accountPathCovers(principal.account.path, parent.path);
    const administers = rolesAllow(principal.user.roles, 'administer');
    return {
      alias: account.alias,
      name: account.name,
      parentAlias: parent?.alias ?? null,
      locationAlias: account.locationAlias,
      createdTime: account.createdAt.getTime(),
      links: [
        link('self', `/v2/accounts/${account.alias}`),
        ...(parent && seesParent ? [link('parentAccount', `/v2/accounts/${parent.alias}`, { id: parent.alias })] : []),
        ...children.map((c) => link('subAccount', `/v2/accounts/${c.alias}`, { id: c.alias, name: c.name })),
        ...(administers ? [link('users', `/v2/users/${account.alias}`, { verbs: ['GET', 'POST'] })] : []),
        link('jobs', `/v2/automation/jobs/${account.alias}`),
      ],
    };
  }
}
