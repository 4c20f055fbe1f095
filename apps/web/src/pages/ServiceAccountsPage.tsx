import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, seg } from '../api';
import { useChange } from '../change';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { LabelledInput } from '../components/LabelledInput';
import { Notice } from '../components/Notice';
import { ConfirmDelete, RowActions, RowButton } from '../components/RowActions';
import { ListTable } from '../components/Table';
import { bindFields } from '../fields';
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
  const administer = may(session, 'administer');

  const { error, setError, notice, change } = useChange(() => load());

  const load = useCallback((): Promise<void> => api.get<ServiceAccount[]>(base).then(setAccounts, (e) => setError(errorText(e))), [base, setError]);
  useEffect(() => void load(), [load]);

  const reset = (): void => {
    setForm(EMPTY);
    setEditing(null);
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body: Record<string, string> = { username: form.username.trim() };
    if (form.password) body.password = form.password;
    const done = editing ? `Service account ${editing} saved${form.password ? ' with its new password' : '; its password is unchanged'}.` : `Service account ${form.alias.trim()} created.`;
    if (await change(() => (editing ? api.put(`${base}/${seg(editing)}`, body) : api.post(base, { ...body, alias: form.alias.trim() })), done)) reset();
  };

  const remove = async (alias: string): Promise<void> => {
    const deleted = await change(() => api.delete(`${base}/${seg(alias)}`), null);
    if (deleted && editing === alias) reset();
  };

  // The stored password never comes back: the form starts with an empty one, which keeps it.
  const edit = (sa: ServiceAccount): void => {
    setEditing(sa.alias);
    setForm({ alias: sa.alias, username: sa.username, password: '' });
  };

  const field = bindFields(form, setForm);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Service accounts</h1>
      </div>
      <p className="hint page-intro">A schedule’s runs act as its service account’s user, with that user’s rights; the password is checked at every fire time.</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      {administer && (
        <form className="form card inline-form" onSubmit={(e) => void save(e)} aria-label={editing ? `Edit service account ${editing}` : 'New service account'}>
          <h2>{editing ? `Edit service account ${editing}` : 'New service account'}</h2>
          <div className="grid-4">
            {!editing && <LabelledInput label="Alias" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="nightly" {...field('alias')} />}
            <LabelledInput label="Username" required autoComplete="off" placeholder="a user of this account or below" {...field('username')} />
            <div className="field">
              <LabelledInput label={editing ? 'New password' : 'Password'} type="password" required={!editing} autoComplete="new-password" aria-describedby="sa-password-hint" {...field('password')} />
              <span className="hint" id="sa-password-hint">
                {editing ? 'Leave empty to keep the stored password.' : 'The user’s login password; stored encrypted, never shown again.'}
              </span>
            </div>
          </div>
          <FormActions submit={editing ? 'Save' : 'Create'} onCancel={editing ? reset : undefined} />
        </form>
      )}
      <ListTable
        items={accounts}
        empty="No service accounts yet."
        caption="Service accounts"
        columns={['Alias', 'Acts as user', 'Password', 'Created', '']}
        row={(sa) => (
          <tr key={sa.alias}>
            <td data-label="Alias" className="strong">
              {sa.alias}
            </td>
            <td data-label="Acts as user">{sa.username}</td>
            <td data-label="Password">stored</td>
            <td data-label="Created" className="small">
              {formatTime(sa.createdTime)}
            </td>
            <RowActions show={administer}>
              <RowButton label={`Edit service account ${sa.alias}`} onClick={() => edit(sa)}>
                Edit
              </RowButton>
              <ConfirmDelete
                label={`Delete service account ${sa.alias}`}
                question={`Delete service account ${sa.alias}? Schedules that use it will end their runs with INIT_FAILURE until they get another one.`}
                onDelete={() => remove(sa.alias)}
              />
            </RowActions>
          </tr>
        )}
      />
    </section>
  );
}
