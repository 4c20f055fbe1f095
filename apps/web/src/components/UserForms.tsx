import { type FormEvent, useState } from 'react';
import type { Role } from '../accounts';
import { bindFields } from '../fields';
import type { Session } from '../session';
import { FormActions } from './FormActions';
import { LabelledInput } from './LabelledInput';
import { RoleCheckboxes } from './RoleCheckboxes';

type Editing = { userName: string; roles: Role[] };

/** A user's roles, as checkboxes (only the roles the admin may grant). */
export function RolesForm({ session, user, onChange, onSave, onCancel }: { session: Session; user: Editing; onChange(user: Editing): void; onSave(roles: Role[]): Promise<void>; onCancel(): void }) {
  const save = (event: FormEvent): void => {
    event.preventDefault();
    void onSave(user.roles);
  };
  return (
    <form className="form card inline-form" onSubmit={save} aria-label={`Roles of ${user.userName}`}>
      <h2>Roles of {user.userName}</h2>
      <RoleCheckboxes field="edit" granter={session.roles} value={user.roles} onChange={(roles) => onChange({ ...user, roles })} />
      <FormActions submit="Save roles" onCancel={onCancel} />
    </form>
  );
}

const NEW_USER = { username: '', password: '' };
type NewUser = { username: string; password: string; roles: Role[] };

/** A new user of `alias`; the form empties once `onAdd` says the API took it. */
export function AddUserForm({ session, alias, onAdd }: { session: Session; alias: string; onAdd(user: NewUser): Promise<boolean> }) {
  const [form, setForm] = useState(NEW_USER);
  const [roles, setRoles] = useState<Role[]>(['AccountViewer']);
  const field = bindFields(form, setForm);

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await onAdd({ username: form.username.trim(), password: form.password, roles })) {
      setForm(NEW_USER);
      setRoles(['AccountViewer']);
    }
  };

  return (
    <form className="form card inline-form" onSubmit={(e) => void add(e)} aria-label={`Add a user to ${alias}`}>
      <h2>Add a user to {alias}</h2>
      <div className="grid-2">
        <LabelledInput label="Username" required autoComplete="off" {...field('username')} />
        <LabelledInput label="Password" type="password" required autoComplete="new-password" aria-describedby="password-hint" {...field('password')} />
      </div>
      <p id="password-hint" className="hint">
        At least 8 characters. Usernames are unique in the whole service: the user logs in with the username alone.
      </p>
      <RoleCheckboxes field="new" granter={session.roles} value={roles} onChange={setRoles} />
      <FormActions submit="Add user" />
    </form>
  );
}
