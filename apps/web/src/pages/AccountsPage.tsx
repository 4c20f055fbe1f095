import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type AccountNode, aliasesOf, loadAccountTree, ROLE_HELP, type Role, TREE_LIMIT } from '../accounts';
import { api, errorText, type Page, seg } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Notice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { RoleCheckboxes } from '../components/RoleCheckboxes';
import { Table } from '../components/Table';
import { formatTime } from '../format';
import { isRole } from '../../../../libs/domain/src/roles';
import { Link, navigate } from '../router';
import { may, type Session } from '../session';

interface User {
  userName: string;
  accountAlias: string;
  roles: string[];
  createdTime: number;
}

const SIZE = 50;

/**
 * The logged-in account and everything below it: the tree (read), and for an AccountAdmin new
 * sub-accounts and each account's users with their roles.
 */
export function AccountsPage({ session, selected }: { session: Session; selected: string | null }) {
  const [tree, setTree] = useState<{ root: AccountNode; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const administer = may(session, 'administer');
  const current = selected ?? session.accountAlias;

  const load = useCallback(
    (): Promise<void> => loadAccountTree(session.accountAlias).then(setTree, (e) => setError(errorText(e))),
    [session.accountAlias],
  );
  useEffect(() => void load(), [load]);

  const select = (alias: string): void => navigate(`/accounts?account=${seg(alias)}`, true);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Accounts</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      <YourAccess session={session} />
      <div className="accounts-layout">
        <div>
          <h2 id="tree-head">Account tree</h2>
          {tree && (
            <nav className="card account-tree" aria-labelledby="tree-head">
              <TreeList nodes={[tree.root]} selected={current} onSelect={select} />
            </nav>
          )}
          {tree?.truncated && <p className="hint">Only the first {TREE_LIMIT} accounts are shown.</p>}
          {administer && tree && (
            <CreateAccountForm
              key={current}
              aliases={aliasesOf(tree.root)}
              parent={current}
              onCreated={(alias, parent) => {
                setNotice(`Account ${alias} created below ${parent}.`);
                // Selected once the tree has it, so the form's "Below" can offer it at once.
                void load().then(() => select(alias));
              }}
              onError={setError}
            />
          )}
        </div>
        <div>
          {administer ? (
            <UsersPanel key={current} session={session} alias={current} onError={setError} />
          ) : (
            <p className="hint">Users and sub-accounts are managed by an AccountAdmin.</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** Who is logged in and what their roles allow, so a user sees their rights without trying. */
function YourAccess({ session }: { session: Session }) {
  return (
    <div className="card your-access" role="region" aria-label="Your access">
      <p>
        You are <strong>{session.userName}</strong> in account <strong>{session.accountAlias}</strong> and the accounts below it.
      </p>
      <ul>
        {session.roles.filter(isRole).map((role) => (
          <li key={role}>
            <span className="strong">{role}</span>: {ROLE_HELP[role]}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Nested lists of buttons: the selected account is `aria-current`, so it is announced, not only coloured. */
function TreeList({ nodes, selected, onSelect }: { nodes: AccountNode[]; selected: string; onSelect(alias: string): void }) {
  return (
    <ul>
      {nodes.map((node) => (
        <li key={node.alias}>
          <button type="button" className="tree-node" aria-current={node.alias === selected ? 'true' : undefined} onClick={() => onSelect(node.alias)}>
            <span className="mono strong">{node.alias}</span> <span className="muted">{node.name}</span>
          </button>
          {node.children.length > 0 && <TreeList nodes={node.children} selected={selected} onSelect={onSelect} />}
        </li>
      ))}
    </ul>
  );
}

function CreateAccountForm({ aliases, parent, onCreated, onError }: { aliases: string[]; parent: string; onCreated(alias: string, parent: string): void; onError(error: string | null): void }) {
  // Keyed by the selected account: selecting another one starts a form below it.
  const [form, setForm] = useState({ parent, alias: '', name: '' });

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    onError(null);
    try {
      const alias = form.alias.trim();
      await api.post(`/v2/accounts/${seg(form.parent)}`, { alias, name: form.name.trim() });
      setForm({ ...form, alias: '', name: '' });
      onCreated(alias, form.parent);
    } catch (e) {
      onError(errorText(e));
    }
  };

  return (
    <form className="form card inline-form" onSubmit={(e) => void create(e)}>
      <h2>Create a sub-account</h2>
      <label>
        Below
        <select name="parent" value={form.parent} onChange={(e) => setForm({ ...form, parent: e.target.value })}>
          {aliases.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <label>
        Alias
        <input name="alias" required value={form.alias} onChange={(e) => setForm({ ...form, alias: e.target.value })} placeholder="TEAMA" aria-describedby="alias-hint" />
      </label>
      <p id="alias-hint" className="hint">
        2–16 upper-case letters or digits, unique in the service; it cannot be changed later.
      </p>
      <label>
        Name
        <input name="name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="Team A" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary">
          Create account
        </button>
      </div>
    </form>
  );
}

/** The users of one account: list, add, change roles, delete (never the logged-in user). */
function UsersPanel({ session, alias, onError }: { session: Session; alias: string; onError(error: string | null): void }) {
  const base = `/v2/users/${seg(alias)}`;
  const [page, setPage] = useState(0);
  const [users, setUsers] = useState<Page<User> | null>(null);
  const [form, setForm] = useState<{ username: string; password: string; roles: Role[] }>({ username: '', password: '', roles: ['AccountViewer'] });
  const [editing, setEditing] = useState<{ userName: string; roles: Role[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isSelf = (u: User): boolean => u.userName === session.userName;

  const load = useCallback(() => {
    api.get<Page<User>>(`${base}?page=${page}&size=${SIZE}`).then(setUsers, (e) => onError(errorText(e)));
  }, [base, page, onError]);
  useEffect(load, [load]);

  const act = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    onError(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
      load();
      return true;
    } catch (e) {
      onError(errorText(e));
      return false;
    }
  };

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const username = form.username.trim();
    if (await act(() => api.post(base, { username, password: form.password, roles: form.roles }), `User ${username} added to ${alias}.`)) {
      setForm({ username: '', password: '', roles: ['AccountViewer'] });
    }
  };

  const saveRoles = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!editing) return;
    if (await act(() => api.put(`${base}/${seg(editing.userName)}`, { roles: editing.roles }), `Roles of ${editing.userName} saved.`)) setEditing(null);
  };

  const remove = async (user: User): Promise<void> => {
    if (!window.confirm(`Delete user ${user.userName} of ${alias}? Their sessions end at once.`)) return;
    await act(() => api.delete(`${base}/${seg(user.userName)}`), `User ${user.userName} deleted.`);
  };

  return (
    <>
      <div className="page-head">
        <h2>Users of {alias}</h2>
        <Link to={`/settings?account=${seg(alias)}`} className="button small">
          Settings of {alias}
        </Link>
      </div>
      <Notice text={notice} />
      {users && users.results.length === 0 && <p className="empty card">No users in {alias} yet.</p>}
      {users && users.results.length > 0 && (
        <Table caption={`Users of ${alias}`} columns={['User', 'Roles', 'Created', '']}>
          {users.results.map((u) => (
            <tr key={u.userName}>
              <td data-label="User" className="strong">
                {u.userName}
                {isSelf(u) && <span className="muted"> (you)</span>}
              </td>
              <td data-label="Roles">{u.roles.join(', ')}</td>
              <td data-label="Created" className="small">
                {formatTime(u.createdTime)}
              </td>
              <td className="actions">
                {!isSelf(u) && (
                  <>
                    <button type="button" className="small" aria-label={`Change roles of ${u.userName}`} onClick={() => setEditing({ userName: u.userName, roles: u.roles.filter(isRole) })}>
                      Roles
                    </button>
                    <button type="button" className="small ghost" aria-label={`Delete ${u.userName}`} onClick={() => void remove(u)}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {users && <Pager page={page} size={SIZE} total={users.totalSize} onPage={setPage} />}

      {editing && (
        <form className="form card inline-form" onSubmit={(e) => void saveRoles(e)} aria-label={`Roles of ${editing.userName}`}>
          <h2>Roles of {editing.userName}</h2>
          <RoleCheckboxes field="edit" granter={session.roles} value={editing.roles} onChange={(roles) => setEditing({ ...editing, roles })} />
          <div className="form-actions">
            <button type="submit" className="primary">
              Save roles
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <form className="form card inline-form" onSubmit={(e) => void create(e)} aria-label={`Add a user to ${alias}`}>
        <h2>Add a user to {alias}</h2>
        <div className="grid-2">
          <label>
            Username
            <input name="username" required autoComplete="off" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
          </label>
          <label>
            Password
            <input name="password" type="password" required autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} aria-describedby="password-hint" />
          </label>
        </div>
        <p id="password-hint" className="hint">
          At least 8 characters. Usernames are unique in the whole service: the user logs in with the username alone.
        </p>
        <RoleCheckboxes field="new" granter={session.roles} value={form.roles} onChange={(roles) => setForm({ ...form, roles })} />
        <div className="form-actions">
          <button type="submit" className="primary">
            Add user
          </button>
        </div>
      </form>
    </>
  );
}
