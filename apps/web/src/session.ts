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

/** Mirrors libs/domain roles.ts: each role includes everything the one before it may do. */
const RANK: Record<string, number> = { AccountViewer: 0, ServerOperator: 1, ServerAdmin: 2, AccountAdmin: 3 };
const NEEDS = { read: 0, operate: 1, manage: 2, administer: 3 } as const;

export function may(session: Session | null, permission: keyof typeof NEEDS): boolean {
  return !!session && session.roles.some((role) => (RANK[role] ?? -1) >= NEEDS[permission]);
}
