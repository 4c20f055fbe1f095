import { type FormEvent, useState } from 'react';
import { api, errorText } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import type { Session } from '../session';

interface LoginAnswer {
  userName: string;
  accountAlias: string;
  roles: string[];
  bearerToken: string;
}

export function LoginPage({ onLogin, notice }: { onLogin(session: Session): void; notice: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<LoginAnswer>('/v2/authentication/login', { username, password });
      onLogin({ token: answer.bearerToken, userName: answer.userName, accountAlias: answer.accountAlias, roles: answer.roles });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login" tabIndex={-1}>
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand login-brand">
          <span className="brand-mark" aria-hidden="true">
            ▶
          </span>
          automation-runner
        </div>
        <h1 id="login-title">Log in</h1>
        {notice && !error && <p className="banner banner-info">{notice}</p>}
        <ErrorBanner error={error} />
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
