import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, rolesAllow, tokenCovers, unauthenticated } from '@app/domain';
import { Account, AccountRepository } from '@app/database';
import { TokenService } from '../auth/token.service';
import { Access, ACCESS } from './access';
import { AuthedRequest } from './principal';

const ALIAS_CACHE_ENTRIES = 10_000;

/** The one authorization point, applied globally: token, then alias scope, then role. */
@Injectable()
export class AccessGuard implements CanActivate {
  /**
   * Accounts by alias, as found: accounts are never renamed, moved or deleted (no endpoint does
   * that), so a found one stays right. Unknown aliases are not remembered (one may be created).
   * Whatever comes to change or delete accounts must clear this.
   */
  private readonly accountsByAlias = new Map<string, Account>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly accounts: AccountRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
    // Fail closed: RouteAudit makes this unreachable, but a route without a declaration is never open.
    if (!access) throw forbidden('This route declares no access rule');
    if (access.kind === 'public') return true;
    if (access.kind === 'socket') return context.getType() === 'ws';

    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw unauthenticated();
    const owner = await this.tokens.resolve(token);
    if (!owner) throw unauthenticated('The bearer token is invalid, expired or revoked');
    request.principal = { user: owner.user, account: owner.account, tokenHash: owner.tokenHash, runExecutionId: owner.runExecutionId };
    if (access.kind === 'authenticated') return true;

    const alias = request.params.alias;
    const target = typeof alias === 'string' ? await this.account(alias) : null;
    // Unknown and foreign aliases answer alike, so aliases of other tenants cannot be probed. A run's
    // token acts for the run's account alone (tokenCovers).
    if (!target || !tokenCovers({ path: owner.account.path, runOnly: !!owner.runExecutionId }, target.path)) {
      throw forbidden(`You may not act on account alias ${String(alias)}`);
    }
    if (!rolesAllow(owner.user.roles, access.permission)) {
      throw forbidden(`Your roles (${owner.user.roles.join(', ')}) do not permit ${access.permission} on ${target.alias}`);
    }
    request.principal.target = target;
    return true;
  }

  private async account(alias: string): Promise<Account | null> {
    const known = this.accountsByAlias.get(alias);
    if (known) return known;
    const found = await this.accounts.findByAlias(alias);
    if (found) {
      if (this.accountsByAlias.size >= ALIAS_CACHE_ENTRIES) this.accountsByAlias.clear();
      this.accountsByAlias.set(alias, found);
    }
    return found;
  }
}
