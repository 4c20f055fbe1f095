import type { ReactNode } from 'react';
import type { Permission } from '../../../../libs/domain/src/roles';
import { Link } from '../router';
import { may, type Session } from '../session';

/** The main navigation; an entry shows only to a role whose permission the page's API calls need. */
const NAV: { to: string; label: string; needs: Permission }[] = [
  { to: '/activity', label: 'Activity', needs: 'read' },
  { to: '/jobs', label: 'Jobs', needs: 'read' },
  { to: '/schedules', label: 'Schedules', needs: 'read' },
  { to: '/keypairs', label: 'Key pairs', needs: 'read' },
  { to: '/servers', label: 'Servers', needs: 'read' },
  { to: '/vpn', label: 'VPN', needs: 'read' },
  { to: '/service-accounts', label: 'Service accounts', needs: 'read' },
  { to: '/accounts', label: 'Accounts', needs: 'read' },
  { to: '/settings', label: 'Settings', needs: 'administer' },
  { to: '/runners', label: 'Runners', needs: 'administer' },
];

/** The frame around every page: skip link, navigation, who is logged in. */
export function Layout({ session, path, onLogout, children }: { session: Session; path: string; onLogout(): void; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/jobs" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ▶
          </span>
          automation-runner
        </Link>
        <nav aria-label="Main" className="mainnav">
          {NAV.filter((item) => may(session, item.needs)).map((item) => (
            <Link key={item.to} to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="whoami">
          <span title={session.roles.join(', ')}>
            {session.userName} · <strong>{session.accountAlias}</strong>
          </span>
          <button type="button" className="ghost" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
