import { invalid } from './errors';
import { MIN_SECRET_LENGTH } from './secret-forms';

/**
 * Variables whose values Ansible uses as passwords: wherever they appear (a job's `properties`, a
 * host's `hostVars`, a start request's `properties`) their values are secrets.
 */
export const ANSIBLE_SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  'ansible_paramiko_pass',
  'ansible_paramiko_password',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_sudo_pass',
  'ansible_sudo_password',
  'ansible_su_pass',
  'ansible_su_password',
  'ansible_enable_pass',
  'ansible_httpapi_pass',
  'ansible_httpapi_password',
  'ansible_winrm_password',
]);

/**
 * What a stored secret is shown as, and what a PUT sends back to keep it (AWX's convention, so a
 * GET → change → PUT round trip leaves secrets as they were).
 */
export const STORED_SECRET = '$encrypted$';

export type Variables = Record<string, unknown>;

/**
 * Splits a map of variables into what may be stored and shown (each secret replaced by
 * STORED_SECRET) and the secret values. `allSecret` marks every entry secret (`secretProperties`).
 * A STORED_SECRET value keeps `previous[name]`; `null` for a secret name removes it. Secrets must be
 * strings of at least MIN_SECRET_LENGTH characters, since shorter ones cannot be masked in output.
 */
export function splitSecrets(
  field: string,
  variables: Variables | undefined,
  options: { allSecret?: boolean; previous?: Record<string, string>; canKeep?: boolean },
): { shown: Variables | undefined; secrets: Record<string, string> } {
  if (!variables) return { shown: undefined, secrets: {} };
  const shown: Variables = {};
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (!options.allSecret && !ANSIBLE_SECRET_VARIABLES.has(name)) {
      shown[name] = value;
      continue;
    }
    if (value === null) continue;
    if (value === STORED_SECRET) {
      // Own values only: "constructor" or "toString" would otherwise find the prototype's.
      const kept = options.canKeep === false || !options.previous || !Object.hasOwn(options.previous, name) ? undefined : options.previous[name];
      if (kept === undefined) throw invalid(`${field}.${name}`, `is ${STORED_SECRET}, but no value is stored to keep; send the value`);
      secrets[name] = kept;
    } else if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
      throw invalid(`${field}.${name}`, `is a secret: it must be a string of at least ${MIN_SECRET_LENGTH} characters (shorter secrets could not be masked in output)`);
    } else {
      secrets[name] = value;
    }
    shown[name] = STORED_SECRET;
  }
  return { shown, secrets };
}

/**
 * Variables as they may be shown: each secret-named value (but null) as STORED_SECRET, also one
 * stored in clear before its kind of variables was sealed (a server's legacy hostVars).
 */
export function hideSecrets(variables: Variables): Variables {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, isClearSecret(name, value) ? STORED_SECRET : value]));
}

/** A secret-named value present in clear, not the STORED_SECRET placeholder. */
export function isClearSecret(name: string, value: unknown): boolean {
  return ANSIBLE_SECRET_VARIABLES.has(name) && value !== null && value !== undefined && value !== STORED_SECRET;
}

/** The variables with their stored secrets put back in place, for the run. */
export function withSecrets(shown: Variables | undefined, secrets: Record<string, string> | undefined): Variables {
  return { ...(shown ?? {}), ...(secrets ?? {}) };
}

/** A variable is plain or secret, not both: the same name in `properties` and `secretProperties` is refused. */
export function checkSecretPropertyNames(properties: Variables | null | undefined, secretProperties: Variables | null | undefined): void {
  for (const name of Object.keys(secretProperties ?? {})) {
    if (properties && Object.hasOwn(properties, name)) throw invalid(`secretProperties.${name}`, 'is also in properties; a variable is either plain or secret');
  }
}
