import type { NotifyWhen } from '../job-form';

/** When a run's notification goes out by one channel, or off. */
export function WhenSelect({ label, name, value, onChange }: { label: string; name: string; value: NotifyWhen; onChange: (value: NotifyWhen) => void }) {
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as NotifyWhen)}>
        <option value="">off</option>
        <option value="failure">failure</option>
        <option value="success">success</option>
        <option value="always">always</option>
      </select>
    </label>
  );
}
