/** Roles of API.md, each including everything the one before it may do. */
export const ROLES = ['AccountViewer', 'ServerOperator', 'ServerAdmin', 'AccountAdmin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs. Every route declares exactly one (or is public); the guard refuses the rest.
 * - read: see anything of the alias
 * - operate: start/stop/kill/restart executions
 * - manage: jobs, keypairs, servers, VPN connections, schedules
 * - administer: users, sub-accounts, service accounts, account secrets
 */
export const PERMISSIONS = ['read', 'operate', 'manage', 'administer'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  AccountViewer: ['read'],
  ServerOperator: ['read', 'operate'],
  ServerAdmin: ['read', 'operate', 'manage'],
  AccountAdmin: ['read', 'operate', 'manage', 'administer'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function rolesAllow(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[role].includes(permission));
}

/**
 * Whether a user holding `granter` may give `wanted` to someone: never a role above its own highest
 * (ROLES is ordered, each role including the ones before it). Roles the service does not know
 * grant nothing, so they raise no one's ceiling.
 */
export function rolesWithin(granter: readonly string[], wanted: readonly Role[]): boolean {
  const rank = (role: string): number => (ROLES as readonly string[]).indexOf(role);
  const ceiling = Math.max(-1, ...granter.map(rank));
  return wanted.every((role) => rank(role) <= ceiling);
}

/**
 * Accounts form a tree; `path` is the chain of aliases from the root, like `/DEMO/SUB/`.
 * A user may act on its own alias and every alias below it, never above or beside.
 */
export function accountPathCovers(userPath: string, targetPath: string): boolean {
  return targetPath.startsWith(userPath);
}

/**
 * Whether a token may act on the account at `targetPath`. A login token covers its account and those
 * below it (accountPathCovers); a run's token (`runOnly`) covers the run's account alone: "acts for
 * the run's account", and a playbook in a parent account's run has no business in its sub-accounts.
 */
export function tokenCovers(scope: { path: string; runOnly: boolean }, targetPath: string): boolean {
  return scope.runOnly ? targetPath === scope.path : accountPathCovers(scope.path, targetPath);
}
