import { isRole, type Permission, rolesAllow } from '../../../libs/domain/src/roles';

/** The logged-in user, kept in sessionStorage: it ends with the tab, and other tabs log in on their own. */
export interface Session {
  token: string;
  userName: string;
  accountAlias: string;
  roles: string[];
}

const KEY = 'runner.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** What the API's guard would allow (its own rules; a role the console does not know grants nothing). */
export function may(session: Session | null, permission: Permission): boolean {
  return !!session && rolesAllow(session.roles.filter(isRole), permission);
}
