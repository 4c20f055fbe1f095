import { type FormEvent, useState } from 'react';
import { Link, navigate } from '../router';
import { withQuery } from '../url';
import { FormActions } from './FormActions';
import { LabelledInput } from './LabelledInput';
import { StatusOptions } from './StatusOptions';

/** The activity page's filters, as the address and the API's query carry them. */
export interface Filters {
  status: string;
  jobId: string;
  /** ISO 8601 instants, as the API takes them (and as bookmarks keep them). */
  from: string;
  to: string;
}

/** `2026-11-30T03:40` (the local time a datetime-local field shows) for an ISO instant, and back. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
const fromLocalInput = (value: string): string => (value ? new Date(value).toISOString() : '');

/** The filter form: applied by putting the filters in the address (page 0), which reads the list. */
export function ActivityFilters({ filters, jobs }: { filters: Filters; jobs: { id: string; label: string }[] }) {
  const [status, setStatus] = useState(filters.status);
  const [jobId, setJobId] = useState(filters.jobId);
  const [from, setFrom] = useState(toLocalInput(filters.from));
  const [to, setTo] = useState(toLocalInput(filters.to));
  const apply = (event: FormEvent): void => {
    event.preventDefault();
    navigate(withQuery('/activity', { status, jobId, from: fromLocalInput(from), to: fromLocalInput(to) }));
  };
  const named = jobs.some((j) => j.id === filters.jobId);
  return (
    <form className="card filters" aria-label="Filter runs" onSubmit={apply}>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <StatusOptions />
        </select>
      </label>
      <label>
        Job
        <select value={jobId} onChange={(e) => setJobId(e.target.value)}>
          <option value="">Any job</option>
          {filters.jobId && !named && <option value={filters.jobId}>job {filters.jobId.slice(0, 8)}</option>}
          {jobs.map((j) => (
            <option key={j.id} value={j.id}>
              {j.label}
            </option>
          ))}
        </select>
      </label>
      <LabelledInput label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      <LabelledInput label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      <FormActions submit="Apply filters">
        {Object.values(filters).some(Boolean) && (
          <Link to="/activity" className="button">
            Clear
          </Link>
        )}
      </FormActions>
    </form>
  );
}
