/**
 * Extra vars as a YAML document in which every string is tagged `!unsafe`: Ansible then never
 * templates them, so `{{ … }}`, `$(…)`, quotes and newlines reach the playbook literally. Strings
 * are written as JSON strings, which are valid YAML double-quoted scalars.
 */
export function renderUnsafeYaml(value: unknown): string {
  if (typeof value === 'string') return `!unsafe ${JSON.stringify(value)}`;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(renderUnsafeYaml).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${renderUnsafeYaml(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return 'null';
}
