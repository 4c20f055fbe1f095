import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Permission } from '@app/domain';

/**
 * Every route says who may call it, with exactly one of these. The AccessGuard refuses a route that
 * says nothing, and RouteAudit stops start-up if any route forgot, so no route can skip authorization.
 */
export type Access = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'alias'; permission: Permission } | { kind: 'socket' };

export const ACCESS = 'runner:access';

/** No token needed (login, health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS, { kind: 'public' } satisfies Access);

/** Any valid token (logout). */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS, { kind: 'authenticated' } satisfies Access), ApiBearerAuth());

/** A valid token whose user may act on the `:alias` of the path with this permission. */
export const Requires = (permission: Permission): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS, { kind: 'alias', permission } satisfies Access), ApiBearerAuth());

/**
 * A socket.io message of the realtime gateway: authorized by the socket's own rules (the token at
 * the handshake, checked again at every subscribe, and SocketAuthority ending the socket once it no
 * longer holds), since a message has no HTTP request for the guard to read.
 */
export const SocketMessages = (): ClassDecorator => SetMetadata(ACCESS, { kind: 'socket' } satisfies Access);
