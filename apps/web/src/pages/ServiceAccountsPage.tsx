import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, seg } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Table } from '../components/Table';
import { formatTime } from '../format';
import { type ServiceAccount, serviceAccountsPath } from '../schedules';
import { may, type Session } from '../session';

const EMPTY = { alias: '', username: '', password: '' };

/**
 * Service accounts: the users scheduled runs act as. The password is write-only: no form ever
 * shows a stored one, and an edit with the password left empty keeps it (the API's PUT does).
 */
export function ServiceAccountsPage({ session }: { session: Session }) {
  const base = serviceAccountsPath(session.accountAlias);
  const [accounts, setAccounts] = useState<ServiceAccount[] | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const administer = may(session, 'administer');

  const load = useCallback((): Promise<void> => api.get<ServiceAccount[]>(base).then(setAccounts, (e) => setError(errorText(e))), [base]);
  useEffect(() => void load(), [load]);

  const reset = (): void => {
    setForm(EMPTY);
    setEditing(null);
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const body: Record<string, string> = { username: form.username.trim() };
    if (form.password) body.password = form.password;
    try {
      if (editing) await api.put(`${base}/${seg(editing)}`, body);
      else await api.post(base, { ...body, alias: form.alias.trim() });
      const done = editing ? `Service account ${editing} saved${form.password ? ' with its new password' : '; its password is unchanged'}.` : `Service account ${form.alias.trim()} created.`;
      reset();
      // The list first, then the announcement: what it says is on the page when it is heard.
      await load();
      setNotice(done);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const remove = async (alias: string): Promise<void> => {
    if (!window.confirm(`Delete service account ${alias}? Schedules that use it will end their runs with INIT_FAILURE until they get another one.`)) return;
    setError(null);
    try {
      await api.delete(`${base}/${seg(alias)}`);
      if (editing === alias) reset();
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  // The stored password never comes back: the form starts with an empty one, which keeps it.
  const edit = (sa: ServiceAccount): void => {
    setEditing(sa.alias);
    setForm({ alias: sa.alias, username: sa.username, password: '' });
  };

  const field = (key: keyof typeof EMPTY) => ({ name: key, value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });

  return (
    <section className="page">
      <div className="page-head">
        <h1>Service accounts</h1>
      </div>
      <p className="hint page-intro">A schedule’s runs act as its service account’s user, with that user’s rights; the password is checked at every fire time.</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {notice && (
        <p className="banner banner-info" role="status">
          {notice}
        </p>
      )}
      {administer && (
        <form className="form card inline-form" onSubmit={(e) => void save(e)} aria-label={editing ? `Edit service account ${editing}` : 'New service account'}>
          <h2>{editing ? `Edit service account ${editing}` : 'New service account'}</h2>
          <div className="grid-4">
            {!editing && (
              <label>
                Alias
                <input required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="nightly" {...field('alias')} />
              </label>
            )}
            <label>
              Username
              <input required autoComplete="off" placeholder="a user of this account or below" {...field('username')} />
            </label>
            <div className="field">
              <label>
                {editing ? 'New password' : 'Password'}
                <input type="password" required={!editing} autoComplete="new-password" aria-describedby="sa-password-hint" {...field('password')} />
              </label>
              <span className="hint" id="sa-password-hint">
                {editing ? 'Leave empty to keep the stored password.' : 'The user’s login password; stored encrypted, never shown again.'}
              </span>
            </div>
          </div>
          <div className="form-actions">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Create'}
            </button>
            {editing && (
              <button type="button" onClick={reset}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      {accounts && accounts.length === 0 && <p className="empty card">No service accounts yet.</p>}
      {accounts && accounts.length > 0 && (
        <Table caption="Service accounts" columns={['Alias', 'Acts as user', 'Password', 'Created', '']}>
          {accounts.map((sa) => (
            <tr key={sa.alias}>
              <td data-label="Alias" className="strong">
                {sa.alias}
              </td>
              <td data-label="Acts as user">{sa.username}</td>
              <td data-label="Password">stored</td>
              <td data-label="Created" className="small">
                {formatTime(sa.createdTime)}
              </td>
              <td className="actions">
                {administer && (
                  <>
                    <button type="button" className="small" aria-label={`Edit service account ${sa.alias}`} onClick={() => edit(sa)}>
                      Edit
                    </button>
                    <button type="button" className="small ghost" aria-label={`Delete service account ${sa.alias}`} onClick={() => void remove(sa.alias)}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
