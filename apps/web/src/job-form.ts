import { parseDocument } from 'yaml';

/**
 * The job form's pure parts: hosts as rows of `id` + `key=value` vars (inventory style), properties
 * as `key` + YAML value rows, and a YAML check of the playbook before it is sent.
 */
/** One row of the form: a host (name, its vars) or a property (name, its YAML value). */
export interface Row {
  name: string;
  value: string;
}

export class FormProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** `ansible_connection=local ansible_port=2222` → {ansible_connection: 'local', ansible_port: '2222'}. */
export function parseHostVars(text: string, field: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of text.trim().split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new FormProblem(field, `“${pair}” is not key=value`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

export function formatHostVars(vars: Record<string, unknown> | undefined): string {
  return Object.entries(vars ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function hostsFromRows(rows: Row[]): { id: string; hostVars: Record<string, string> }[] {
  return rows
    .filter((row) => row.name.trim() || row.value.trim())
    .map((row, i) => {
      if (!row.name.trim()) throw new FormProblem(`hosts.${i}.id`, 'a host needs a name');
      return { id: row.name.trim(), hostVars: parseHostVars(row.value, `hosts.${i}.hostVars`) };
    });
}

/** Values are YAML, so `3`, `true` and `[a, b]` keep their types; plain text stays a string. */
export function propertiesFromRows(rows: Row[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [i, row] of rows.entries()) {
    if (!row.name.trim() && !row.value.trim()) continue;
    if (!row.name.trim()) throw new FormProblem(`properties.${i}`, 'a property needs a name');
    const doc = parseDocument(row.value);
    if (doc.errors.length) throw new FormProblem(`properties.${row.name}`, doc.errors[0].message.split('\n')[0]);
    properties[row.name.trim()] = doc.toJS();
  }
  return properties;
}

export function rowsFromProperties(properties: Record<string, unknown> | undefined): Row[] {
  return Object.entries(properties ?? {}).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) }));
}

/** What the API shows for a stored secret, and takes back to keep it. */
export const STORED_SECRET = '$encrypted$';

/**
 * Vault password rows (vault id, password) → the job's `vaultPasswords`. The form never has a
 * stored password: a row of a stored id left empty keeps it (sent as "$encrypted$"), a removed row
 * removes it; a new id needs its password.
 */
export function vaultPasswordsFromRows(rows: Row[], stored: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const passwords: Record<string, string> = {};
  for (const [i, row] of rows.entries()) {
    const id = row.name.trim();
    if (!id && !row.value) continue;
    if (!id) throw new FormProblem(`vaultPasswords.${i}`, 'a vault password needs its vault id (default for content encrypted without one)');
    if (row.value) passwords[id] = row.value;
    else if (stored && Object.hasOwn(stored, id)) passwords[id] = STORED_SECRET;
    else throw new FormProblem(`vaultPasswords.${id}`, 'enter its password');
  }
  return Object.keys(passwords).length ? passwords : undefined;
}

/** The stored vault ids as rows with empty passwords (kept unless typed over). */
export function rowsFromVaultPasswords(stored: Record<string, unknown> | undefined): Row[] {
  return Object.keys(stored ?? {}).map((name) => ({ name, value: '' }));
}

/** The playbook must be YAML holding a list of plays; answers the problem, or null. */
export function playbookProblem(text: string): string | null {
  if (!text.trim()) return 'the playbook is empty';
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const error = doc.errors[0];
    const line = error.linePos?.[0]?.line;
    return line ? `line ${line}: ${error.message.split('\n')[0]}` : error.message.split('\n')[0];
  }
  if (!Array.isArray(doc.toJS())) return 'a playbook is a YAML list of plays (each starting with “- hosts: …”)';
  return null;
}

/** When a notification goes out; '' = not by this channel. */
export type NotifyWhen = '' | 'success' | 'failure' | 'always';

/** The job's `notify` as the form edits it: whose settings apply, and each channel's target and when. */
export interface NotifyForm {
  /** `default`: the account's default (no `notify` on the job); `own`: the fields below. */
  mode: 'default' | 'own';
  emails: string;
  emailOn: NotifyWhen;
  /** A new chat URL; empty keeps the stored one (`chatStored`), which is never shown. */
  chatUrl: string;
  chatOn: NotifyWhen;
  chatStored: boolean;
}

export interface Notify {
  email?: { to: string[]; on: string };
  chat?: { url: string; on: string; origin?: string };
}

export function notifyFormOf(notify: Notify | undefined): NotifyForm {
  return {
    mode: notify ? 'own' : 'default',
    emails: notify?.email?.to.join(', ') ?? '',
    emailOn: (notify?.email?.on as NotifyWhen) ?? '',
    chatUrl: '',
    chatOn: (notify?.chat?.on as NotifyWhen) ?? '',
    chatStored: !!notify?.chat,
  };
}

/** The `notify` to send, or undefined for the account's default. A stored chat URL is kept by sending "$encrypted$" back. */
export function notifyFromForm(form: NotifyForm): Notify | undefined {
  if (form.mode === 'default') return undefined;
  const notify: Notify = {};
  if (form.emailOn) {
    const to = form.emails.split(/[\s,;]+/).filter(Boolean);
    if (!to.length) throw new FormProblem('notify.email.to', 'name at least one address, or turn e-mail off');
    notify.email = { to, on: form.emailOn };
  }
  if (form.chatOn) {
    const url = form.chatUrl.trim() || (form.chatStored ? '$encrypted$' : '');
    if (!url) throw new FormProblem('notify.chat.url', 'give the incoming-webhook URL, or turn chat off');
    notify.chat = { url, on: form.chatOn };
  }
  return notify;
}
