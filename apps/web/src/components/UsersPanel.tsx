import { useCallback, useEffect, useState } from 'react';
import type { Role } from '../accounts';
import { api, errorText, type Page, seg } from '../api';
import { useChange } from '../change';
import { formatTime } from '../format';
import { isRole } from '../../../../libs/domain/src/roles';
import { Link } from '../router';
import type { Session } from '../session';
import { Notice } from './Notice';
import { Pager } from './Pager';
import { ConfirmDelete, RowActions, RowButton } from './RowActions';
import { ListTable } from './Table';
import { AddUserForm, RolesForm } from './UserForms';

interface User {
  userName: string;
  accountAlias: string;
  roles: string[];
  createdTime: number;
}

const SIZE = 50;

/** The users of one account: list, add, change roles, delete (never the logged-in user). */
export function UsersPanel({ session, alias, onError }: { session: Session; alias: string; onError(error: string | null): void }) {
  const base = `/v2/users/${seg(alias)}`;
  const [page, setPage] = useState(0);
  const [users, setUsers] = useState<Page<User> | null>(null);
  const [editing, setEditing] = useState<{ userName: string; roles: Role[] } | null>(null);
  const isSelf = (u: User): boolean => u.userName === session.userName;

  const load = useCallback(
    (): Promise<void> => api.get<Page<User>>(`${base}?page=${page}&size=${SIZE}`).then(setUsers, (e) => onError(errorText(e))),
    [base, page, onError],
  );
  useEffect(() => void load(), [load]);
  const { notice, change } = useChange(load, onError);

  return (
    <>
      <div className="page-head">
        <h2>Users of {alias}</h2>
        <Link to={`/settings?account=${seg(alias)}`} className="button small">
          Settings of {alias}
        </Link>
      </div>
      <Notice text={notice} />
      <ListTable
        items={users?.results ?? null}
        empty={`No users in ${alias} yet.`}
        caption={`Users of ${alias}`}
        columns={['User', 'Roles', 'Created', '']}
        row={(u) => (
          <tr key={u.userName}>
            <td data-label="User" className="strong">
              {u.userName}
              {isSelf(u) && <span className="muted"> (you)</span>}
            </td>
            <td data-label="Roles">{u.roles.join(', ')}</td>
            <td data-label="Created" className="small">
              {formatTime(u.createdTime)}
            </td>
            <RowActions show={!isSelf(u)}>
              <RowButton label={`Change roles of ${u.userName}`} onClick={() => setEditing({ userName: u.userName, roles: u.roles.filter(isRole) })}>
                Roles
              </RowButton>
              <ConfirmDelete
                label={`Delete ${u.userName}`}
                question={`Delete user ${u.userName} of ${alias}? Their sessions end at once.`}
                onDelete={() => change(() => api.delete(`${base}/${seg(u.userName)}`), `User ${u.userName} deleted.`)}
              />
            </RowActions>
          </tr>
        )}
      />
      {users && <Pager page={page} size={SIZE} total={users.totalSize} onPage={setPage} />}

      {editing && (
        <RolesForm
          session={session}
          user={editing}
          onChange={setEditing}
          onSave={async (roles) => {
            if (await change(() => api.put(`${base}/${seg(editing.userName)}`, { roles }), `Roles of ${editing.userName} saved.`)) setEditing(null);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <AddUserForm session={session} alias={alias} onAdd={(user) => change(() => api.post(base, user), `User ${user.username} added to ${alias}.`)} />
    </>
  );
}
