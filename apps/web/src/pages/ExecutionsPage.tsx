import { useEffect, useState } from 'react';
import { api, errorText, type Page } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { Table } from '../components/Table';
import { formatDuration, formatTime } from '../format';
import { type Execution, type Job, jobPath, otherAccount, runPagePath, startJob } from '../jobs';
import { Link, navigate } from '../router';
import { withQuery } from '../url';
import { may, type Session } from '../session';

const SIZE = 20;

/** A job's runs, newest first; `alias` is the job's account (the session's, or a sub-account's). */
export function ExecutionsPage({ session, alias, jobId, page }: { session: Session; alias: string; jobId: string; page: number }) {
  const account = otherAccount(session, alias);
  const [job, setJob] = useState<Job | null>(null);
  const [executions, setExecutions] = useState<Page<Execution> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.get<Job>(jobPath(alias, jobId)).then(setJob, (e) => setError(errorText(e)));
    api.get<Page<Execution>>(`${jobPath(alias, jobId)}/executions?page=${page}&size=${SIZE}`).then(setExecutions, (e) => setError(errorText(e)));
  }, [alias, jobId, page]);

  const run = async (): Promise<void> => {
    try {
      const execution = await startJob(alias, jobId);
      navigate(runPagePath(jobId, execution.execution_id, account));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/jobs">Jobs</Link> <span aria-hidden="true">/</span> {job?.description || 'Job'}
      </nav>
      <div className="page-head">
        <h1>{job?.description || 'Job'} · runs</h1>
        <div className="controls">
          {/* The schedules page works in the session's own account, like the job form. */}
          {!account && (
            <Link to={`/jobs/${jobId}/schedules`} className="button">
              Schedules
            </Link>
          )}
          {may(session, 'manage') && !account && (
            <Link to={`/jobs/${jobId}/edit`} className="button">
              Edit job
            </Link>
          )}
          {may(session, 'operate') && (
            <button type="button" className="primary" onClick={() => void run()}>
              Run now
            </button>
          )}
        </div>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {executions && executions.results.length === 0 && <p className="empty card">This job has not run yet.</p>}
      {executions && executions.results.length > 0 && (
        <Table caption="Runs of this job, newest first" columns={['Run', 'Status', 'Started', 'Duration', 'Failed hosts']}>
          {executions.results.map((execution) => (
            <tr key={execution.execution_id}>
              <td data-label="Run">
                <Link to={runPagePath(jobId, execution.execution_id, account)} className="mono">
                  {execution.execution_id.slice(0, 8)}
                </Link>
              </td>
              <td data-label="Status">
                <StatusBadge status={execution.status} />
              </td>
              <td data-label="Started">{formatTime(execution.start)}</td>
              <td data-label="Duration">{execution.start && execution.end ? formatDuration(execution.end - execution.start) : '—'}</td>
              <td data-label="Failed hosts" className="mono small">
                {execution.failed_hosts.join(', ') || '—'}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {executions && <Pager page={page} size={SIZE} total={executions.totalSize} onPage={(p) => navigate(withQuery(`/jobs/${jobId}/executions`, { account, page: p }))} />}
    </section>
  );
}
