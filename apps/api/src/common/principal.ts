import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Account, User } from '@app/database';

/** Who is calling, and (on alias routes) the account the path names, resolved by the AccessGuard. */
export interface Principal {
  user: User;
  account: Account;
  target?: Account;
  tokenHash: Buffer;
  /** A run's token (README "Runs that call back"): the run it was minted for; `account` is the run's. */
  runExecutionId: string | null;
}

export type AuthedRequest = Request & { principal?: Principal; requestId?: string };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** The account named by `:alias`, already checked by the AccessGuard. */
export const TargetAccount = createParamDecorator((_: unknown, ctx: ExecutionContext): Account => {
  const target = ctx.switchToHttp().getRequest<AuthedRequest>().principal?.target;
  if (!target) throw new Error('TargetAccount used on a route without an :alias');
  return target;
});
