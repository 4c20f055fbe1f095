/**
 * A repository's own ansible.cfg merged under the service's settings (README "Playbook projects").
 * Ansible reads one config file (ANSIBLE_CONFIG), so the merge is textual: the repository's INI is
 * parsed as Ansible's configparser reads it (keys lower-cased, `=` or `:`, `#`/`;` comments,
 * indented continuation lines), every key the service owns or refuses is removed from EVERY section
 * (Ansible reads some settings from several sections, the last one found winning: a repository's
 * `[ssh_connection] host_key_checking` would beat `[defaults]`), then the service's keys are set.
 */

export type IniSections = Map<string, Map<string, string>>;

/**
 * Keys a repository may not set at all, in any section, and that the service does not set either:
 * each would let a run read or write worker files when the sandbox is off (log_path, the password
 * and key files), or hand the run's events to someone else's callback (the callback whitelist).
 */
export const REFUSED_REPOSITORY_KEYS = [
  'log_path',
  'vault_password_file',
  'vault_identity_list',
  'private_key_file',
  'become_password_file',
  'connection_password_file',
  'callback_whitelist',
  'callbacks_enabled',
  'callback_plugins',
  'stdout_callback',
  'bin_ansible_callbacks',
] as const;

/** Parses INI text as configparser does, without interpolation (values are kept raw and written back raw). */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^\s*[#;]/.test(raw)) {
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      // A continuation line of the last value.
      current.set(lastKey, `${current.get(lastKey)}\n ${raw.trim()}`);
      continue;
    }
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    const separator = /[=:]/.exec(raw);
    // A line outside any section or without a separator: configparser refuses the file; so do we.
    if (!current) throw new Error(`ansible.cfg: "${raw.trim().slice(0, 80)}" is outside any [section]`);
    if (!separator) throw new Error(`ansible.cfg: "${raw.trim().slice(0, 80)}" is not a key = value line`);
    const key = raw.slice(0, separator.index).trim().toLowerCase();
    const value = raw
      .slice(separator.index + 1)
      .replace(/\s;.*$/, '')
      .trim();
    current.set(key, value);
    lastKey = key;
  }
  return sections;
}

export function renderIni(sections: IniSections): string {
  const out: string[] = [];
  for (const [name, entries] of sections) {
    out.push(`[${name}]`);
    for (const [key, value] of entries) out.push(`${key} = ${value}`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * The repository's settings (null: it has none) between `defaults` (which it may change) and
 * `kept`: every key of `kept` and of REFUSED_REPOSITORY_KEYS is dropped from all of the repository's
 * sections (`[DEFAULT]` included, whose values configparser lends every section), then `kept` is
 * written over it.
 */
export function mergeAnsibleConfig(
  repository: string | null,
  kept: Record<string, Record<string, string>>,
  defaults: Record<string, Record<string, string>> = {},
): string {
  const merged: IniSections = new Map();
  const set = (section: string, key: string, value: string): void => {
    if (!merged.has(section)) merged.set(section, new Map());
    merged.get(section)!.set(key, value);
  };
  const owned = new Set<string>([...REFUSED_REPOSITORY_KEYS, ...Object.values(kept).flatMap((keys) => Object.keys(keys))]);
  for (const [section, keys] of Object.entries(defaults)) for (const [key, value] of Object.entries(keys)) set(section, key, value);
  for (const [section, entries] of repository === null ? [] : parseIni(repository)) {
    if (!merged.has(section)) merged.set(section, new Map());
    for (const [key, value] of entries) if (!owned.has(key)) set(section, key, value);
  }
  for (const [section, keys] of Object.entries(kept)) for (const [key, value] of Object.entries(keys)) set(section, key, value);
  return renderIni(merged);
}

/** One setting of the repository's file as Ansible reads it: its section's, else `[DEFAULT]`'s. */
export function iniValue(sections: IniSections, section: string, key: string): string | undefined {
  return sections.get(section)?.get(key) ?? sections.get('DEFAULT')?.get(key);
}
