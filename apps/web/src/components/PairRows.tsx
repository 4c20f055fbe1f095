/**
 * Rows of two text inputs (a name and its value) with add and remove: the job form's hosts
 * (name + variables) and properties (name + YAML value).
 */
export interface PairRowsProps {
  /** Singular noun for labels: "Host" gives "Host 1 name", "Host 1 variables", "Add host". */
  noun: string;
  valueLabel: string;
  field: string;
  rows: { name: string; value: string }[];
  placeholders: [string, string];
  /** The value is a secret: a password input, never filled from the server. */
  secret?: boolean;
  onChange(rows: { name: string; value: string }[]): void;
}

export function PairRows({ noun, valueLabel, field, rows, placeholders, secret, onChange }: PairRowsProps) {
  const set = (i: number, patch: Partial<{ name: string; value: string }>): void => onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <>
      {rows.map((row, i) => (
        <div className="row-form" key={i}>
          <label>
            <span className="sr-only">
              {noun} {i + 1} name
            </span>
            <input name={`${field}.${i}.name`} value={row.name} placeholder={placeholders[0]} onChange={(e) => set(i, { name: e.target.value })} />
          </label>
          <label className="grow">
            <span className="sr-only">
              {noun} {i + 1} {valueLabel}
            </span>
            <input
              name={`${field}.${i}.value`}
              className="mono"
              type={secret ? 'password' : 'text'}
              autoComplete={secret ? 'new-password' : undefined}
              value={row.value}
              placeholder={placeholders[1]}
              onChange={(e) => set(i, { value: e.target.value })}
            />
          </label>
          <button type="button" className="ghost" aria-label={`Remove ${noun.toLowerCase()} ${row.name || i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        Add {noun.toLowerCase()}
      </button>
    </>
  );
}
