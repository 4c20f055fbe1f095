import { applyDecorators, createParamDecorator, Delete, ExecutionContext, Get, Post } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { Account } from '@app/database';
import type { Permission } from '@app/domain';
import { Requires } from './access';
import { AuthedRequest, Principal } from './principal';

/**
 * The stacks of route decorators the controllers repeat, each named for what it means. Only what
 * the OpenAPI plugin does not read from the source goes in here: it takes an answer's documented
 * status from a `@HttpCode` or `@Post` written on the method itself, so a route answering other
 * than 200 keeps its `@HttpCode` (and a POST without one keeps its `@Post`) on the method.
 */

/** GET by whoever holds `permission` (reading, unless said) on the `:alias` account. */
export const Reads = (path: string, permission: Permission = 'read'): MethodDecorator => applyDecorators(Requires(permission), Get(path));

/** DELETE by whoever holds `permission` (managing, unless said) on the `:alias` account; its `@HttpCode` stays on the method. */
export const Removes = (path: string, permission: Permission = 'manage'): MethodDecorator => applyDecorators(Requires(permission), Delete(path));

/** Where one execution lives, below the executions controller's `v2/automation/jobs`. */
const EXECUTION_PATH = ':alias/:jobId/executions/:executionId';

/**
 * A route on one execution (`…/{jobId}/executions/{executionId}` and `suffix`), read with
 * `@ExecutionAt()`. Its two ids are documented here, as `@Param` would have documented them.
 */
export const OnExecution = (permission: 'read' | 'operate', method: typeof Get | typeof Post, suffix = ''): MethodDecorator =>
  applyDecorators(
    Requires(permission),
    method(`${EXECUTION_PATH}${suffix}`),
    ApiParam({ name: 'jobId', type: String }),
    ApiParam({ name: 'executionId', type: String }),
  );

/** What an `OnExecution` route acts on: the account (checked by the AccessGuard), the caller and the two ids. */
export interface ExecutionTarget {
  account: Account;
  principal: Principal;
  jobId: string;
  executionId: string;
}

export const ExecutionAt = createParamDecorator((_: unknown, ctx: ExecutionContext): ExecutionTarget => {
  const request = ctx.switchToHttp().getRequest<AuthedRequest>();
  const principal = request.principal;
  if (!principal?.target) throw new Error('ExecutionAt used on a route without an :alias');
  // As `@Param` with the global pipe gives them: path segments, as strings.
  return { account: principal.target, principal, jobId: String(request.params.jobId), executionId: String(request.params.executionId) };
});
