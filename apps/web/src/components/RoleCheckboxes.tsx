import { ROLE_HELP, ROLES, type Role } from '../accounts';
import { rolesWithin } from '../../../../libs/domain/src/roles';

/**
 * One checkbox a role, each with a line saying what it may do. Roles above the caller's own are
 * left out: the API refuses to grant them (403), so offering them would only lead to an error.
 */
export function RoleCheckboxes({ field, granter, value, onChange }: { field: string; granter: string[]; value: Role[]; onChange(roles: Role[]): void }) {
  const grantable = ROLES.filter((role) => rolesWithin(granter, [role]));
  return (
    <fieldset className="role-choices">
      <legend>Roles</legend>
      {grantable.map((role) => (
        <div key={role} className="check">
          <input
            type="checkbox"
            id={`${field}-${role}`}
            name={`${field}.${role}`}
            aria-describedby={`${field}-${role}-help`}
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? ROLES.filter((r) => r === role || value.includes(r)) : value.filter((r) => r !== role))}
          />
          <label htmlFor={`${field}-${role}`}>{role}</label>
          <p id={`${field}-${role}-help`} className="hint">
            {ROLE_HELP[role]}
          </p>
        </div>
      ))}
    </fieldset>
  );
}
