import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, type Page } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { LabelledInput } from '../components/LabelledInput';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { StatusOptions } from '../components/StatusOptions';
import { Table } from '../components/Table';
import { formatTime } from '../format';
import { type Execution, type Job, jobsPath, lastExecution, runPagePath, startJob } from '../jobs';
import { Link, navigate } from '../router';
import { withQuery } from '../url';
import { may, type Session } from '../session';

const SIZE = 20;

/** The account's jobs, newest first; `search` and `lastStatus` (in the address) narrow them on the server. */
export function JobsPage({ session, page, search, lastStatus }: { session: Session; page: number; search: string; lastStatus: string }) {
  const alias = session.accountAlias;
  const filtered = !!(search || lastStatus);
  const [jobs, setJobs] = useState<Page<Job> | null>(null);
  const [last, setLast] = useState<Record<string, Execution | null>>({});
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await api.get<Page<Job>>(withQuery(jobsPath(alias), { page, size: SIZE, search, lastStatus }));
      setJobs(list);
      // The jobs list does not carry runs; one small request per visible row (at most SIZE) keeps the
      // console on the public API as it is. Rows fill in as the answers come back.
      await Promise.all(
        list.results.map(async (job) => {
          const execution = await lastExecution(alias, job.id).catch(() => null);
          setLast((current) => ({ ...current, [job.id]: execution }));
        }),
      );
    } catch (e) {
      setError(errorText(e));
    }
  }, [alias, page, search, lastStatus]);

  useEffect(() => {
    void load();
  }, [load]);

  const start = async (job: Job): Promise<void> => {
    setStarting(job.id);
    setError(null);
    try {
      const execution = await startJob(alias, job.id);
      navigate(runPagePath(job.id, execution.execution_id));
    } catch (e) {
      setError(`Could not start “${job.description || job.id}”: ${errorText(e)}`);
      setStarting(null);
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>Jobs</h1>
        {may(session, 'manage') && (
          <Link to="/jobs/new" className="button primary">
            New job
          </Link>
        )}
      </div>
      <JobFilters key={`${search}\u0000${lastStatus}`} search={search} lastStatus={lastStatus} />
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {jobs === null && !error && <p className="muted">Loading…</p>}
      {jobs && jobs.results.length === 0 && filtered && <p className="empty card">No job matches these filters.</p>}
      {jobs && jobs.results.length === 0 && !filtered && (
        <div className="empty card">
          <p>No jobs yet in {alias}.</p>
          {may(session, 'manage') && <Link to="/jobs/new">Create the first job</Link>}
        </div>
      )}
      {jobs && jobs.results.length > 0 && (
        <Table caption={`Jobs of ${alias}, newest first`} columns={['Job', 'Playbook', 'Hosts', 'Last run', 'Updated', '']}>
          {jobs.results.map((job) => {
            const execution = last[job.id];
            return (
              <tr key={job.id} data-job-id={job.id}>
                <td data-label="Job">
                  <Link to={`/jobs/${job.id}/executions`} className="strong">
                    {job.description || 'Untitled job'}
                  </Link>
                  <div className="muted mono small">{job.id.slice(0, 8)}</div>
                </td>
                <td data-label="Playbook">{job.repository ? <span className="mono small">{job.repository.defaultPlaybook}</span> : <span>inline</span>}</td>
                <td data-label="Hosts">{job.hosts.length + (job.useDynamicInventory ? ' + servers' : '')}</td>
                <td data-label="Last run" className="last-run">
                  {execution === undefined ? (
                    <span className="muted">…</span>
                  ) : execution === null ? (
                    <StatusBadge status={null} />
                  ) : (
                    <Link to={runPagePath(job.id, execution.execution_id)}>
                      <span className="sr-only">Last run: </span>
                      <StatusBadge status={execution.status} />
                      <span className="muted small"> {formatTime(execution.start)}</span>
                    </Link>
                  )}
                </td>
                <td data-label="Updated" className="muted small">
                  {formatTime(job.lastUpdatedTime)}
                </td>
                <td className="actions">
                  <Link to={`/jobs/${job.id}/schedules`} className="button small" aria-label={`Schedules of ${job.description || 'Untitled job'}`}>
                    Schedules
                  </Link>
                  {may(session, 'operate') && (
                    <button type="button" className="primary small" onClick={() => void start(job)} disabled={starting !== null}>
                      {starting === job.id ? 'Starting…' : 'Run'}
                    </button>
                  )}
                  {may(session, 'manage') && (
                    <Link to={`/jobs/${job.id}/edit`} className="button small">
                      Edit
                    </Link>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {jobs && <Pager page={page} size={SIZE} total={jobs.totalSize} onPage={(p) => navigate(withQuery('/jobs', { search, lastStatus, page: p }))} />}
    </section>
  );
}

/** Search and last-run filter: applied by putting them in the address (page 0), which reads the list again. */
function JobFilters({ search, lastStatus }: { search: string; lastStatus: string }) {
  const [text, setText] = useState(search);
  const [status, setStatus] = useState(lastStatus);
  const apply = (event: FormEvent): void => {
    event.preventDefault();
    navigate(withQuery('/jobs', { search: text.trim(), lastStatus: status }));
  };
  return (
    <form className="card filters" role="search" aria-label="Find jobs" onSubmit={apply}>
      <LabelledInput label="Search jobs" className="grow" type="search" value={text} maxLength={200} placeholder="Description, repository or playbook" onChange={(e) => setText(e.target.value)} />
      <label>
        Last run
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any</option>
          <option value="NONE">Never run</option>
          <StatusOptions />
        </select>
      </label>
      <FormActions submit="Search">
        {(search || lastStatus) && (
          <Link to="/jobs" className="button">
            Clear
          </Link>
        )}
      </FormActions>
    </form>
  );
}
