import type { TokenStanding } from '@app/database';
import { isRole, rolesAllow } from '@app/domain';

/** What a subscription needs of its user's roles (as a GET of the same records over HTTP). */
export const SUBSCRIBE_PERMISSION = 'read';

export function rolesAllowSubscribing(roles: readonly string[]): boolean {
  return rolesAllow(roles.filter(isRole), SUBSCRIBE_PERMISSION);
}

/**
 * Why a socket opened with a token may not go on, or null if it may. `standing` undefined: the token
 * row is gone, and tokens are deleted only with their user (ON DELETE CASCADE).
 */
export function whyAuthorityEnded(standing: TokenStanding | undefined, now: Date): string | null {
  if (!standing) return 'user deleted';
  if (standing.revokedAt) return 'token revoked';
  if (standing.expiresAt.getTime() <= now.getTime()) return 'token expired';
  if (!rolesAllowSubscribing(standing.roles)) return 'role no longer allows this subscription';
  return null;
}
