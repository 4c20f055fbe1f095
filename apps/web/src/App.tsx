import { useEffect, useState } from 'react';
import { api, onUnauthorized } from './api';
import { Layout } from './components/Layout';
import { AccountsPage } from './pages/AccountsPage';
import { AccountSchedulesPage } from './pages/AccountSchedulesPage';
import { ActivityPage } from './pages/ActivityPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { HostPage } from './pages/HostPage';
import { JobFormPage } from './pages/JobFormPage';
import { JobsPage } from './pages/JobsPage';
import { KeypairsPage } from './pages/KeypairsPage';
import { LoginPage } from './pages/LoginPage';
import { RunPage } from './pages/RunPage';
import { RunnersPage } from './pages/RunnersPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { ServiceAccountsPage } from './pages/ServiceAccountsPage';
import { ServersPage } from './pages/ServersPage';
import { SettingsPage } from './pages/SettingsPage';
import { VpnPage } from './pages/VpnPage';
import { match, navigate, useLocation } from './router';
import { loadSession, saveSession, type Session } from './session';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const { path, query } = useLocation();

  useEffect(
    () =>
      onUnauthorized(() => {
        setSession(null);
        setExpired(true);
      }),
    [],
  );

  // Move focus to the page's content on navigation, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (!session) {
    return (
      <LoginPage
        notice={expired ? 'Your session ended; please log in again.' : null}
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
          setExpired(false);
          if (path === '/' || path === '/login') navigate('/jobs', true);
        }}
      />
    );
  }

  const logout = async (): Promise<void> => {
    await api.post('/v2/authentication/logout').catch(() => undefined);
    saveSession(null);
    setSession(null);
    navigate('/login', true);
  };

  return (
    <Layout session={session} path={path} onLogout={logout}>
      <Page path={path} query={query} session={session} />
    </Layout>
  );
}

function Page({ path, query, session }: { path: string; query: URLSearchParams; session: Session }) {
  let params: Record<string, string> | null;
  // A job of a sub-account (reached from the activity page) names its account: `?account=ALIAS`.
  const alias = query.get('account') || session.accountAlias;
  if (path === '/' || path === '/login' || path === '/jobs')
    return <JobsPage session={session} page={Number(query.get('page') ?? 0) || 0} search={query.get('search') ?? ''} lastStatus={query.get('lastStatus') ?? ''} />;
  if (path === '/jobs/new') return <JobFormPage session={session} />;
  if ((params = match('/jobs/:jobId/edit', path))) return <JobFormPage session={session} jobId={params.jobId} />;
  if ((params = match('/jobs/:jobId/executions', path)))
    return <ExecutionsPage session={session} alias={alias} jobId={params.jobId} page={Number(query.get('page') ?? 0) || 0} />;
  if ((params = match('/jobs/:jobId/executions/:executionId', path)))
    return <RunPage key={params.executionId} session={session} alias={alias} jobId={params.jobId} executionId={params.executionId} />;
  if ((params = match('/jobs/:jobId/executions/:executionId/hosts/:host', path)))
    return <HostPage session={session} alias={alias} jobId={params.jobId} executionId={params.executionId} host={params.host} />;
  if (path === '/activity') return <ActivityPage session={session} query={query} />;
  if (path === '/keypairs') return <KeypairsPage session={session} />;
  if (path === '/servers') return <ServersPage session={session} />;
  if (path === '/vpn') return <VpnPage session={session} />;
  if (path === '/runners') return <RunnersPage />;
  if (path === '/accounts') return <AccountsPage session={session} selected={query.get('account')} />;
  if (path === '/settings') return <SettingsPage session={session} account={query.get('account')} />;
  if ((params = match('/jobs/:jobId/schedules', path))) return <SchedulesPage key={params.jobId} session={session} jobId={params.jobId} />;
  if (path === '/schedules') return <AccountSchedulesPage session={session} />;
  if (path === '/service-accounts') return <ServiceAccountsPage session={session} />;
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>There is no console page at {path}.</p>
    </section>
  );
}
