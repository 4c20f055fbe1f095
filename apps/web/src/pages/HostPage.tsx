import { useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Table } from '../components/Table';
import { formatDuration, formatTime } from '../format';
import { hostRecordRows, type HostRecordRow } from '../host-records';
import { type Job, jobPath, jobRunsPagePath, otherAccount, runPagePath } from '../jobs';
import { Link } from '../router';
import type { StatusRecord } from '../run-grid';
import type { Session } from '../session';

/** Every record of one host of a run, in order: the detail behind a row of the run page's grid. */
export function HostPage({ session, alias, jobId, executionId, host }: { session: Session; alias: string; jobId: string; executionId: string; host: string }) {
  const account = otherAccount(session, alias);
  const [job, setJob] = useState<Job | null>(null);
  const [rows, setRows] = useState<HostRecordRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.get<Job>(jobPath(alias, jobId)).then(setJob, () => undefined);
    let stopped = false;
    (async () => {
      // The status API filters by host and pages by 100; a host's records are read in full.
      const base = `/v2/automation/status/${seg(alias)}/job/${seg(jobId)}/execution/${seg(executionId)}?host=${seg(host)}&size=100`;
      const records: StatusRecord[] = [];
      for (let page = 0; ; page++) {
        const answer = await api.get<Page<StatusRecord>>(`${base}&page=${page}`);
        records.push(...answer.results);
        if (answer.results.length === 0 || records.length >= answer.totalSize) break;
      }
      if (!stopped) setRows(hostRecordRows(records));
    })().catch((e) => !stopped && setError(errorText(e)));
    return () => {
      stopped = true;
    };
  }, [alias, jobId, executionId, host]);

  return (
    <section className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/jobs">Jobs</Link> <span aria-hidden="true">/</span> <Link to={jobRunsPagePath(jobId, account)}>{job?.description || 'Job'}</Link>{' '}
        <span aria-hidden="true">/</span> <Link to={runPagePath(jobId, executionId, account)}>Run {executionId.slice(0, 8)}</Link> <span aria-hidden="true">/</span>{' '}
        <span className="mono">{host}</span>
      </nav>
      <div className="page-head">
        <h1>
          Host <span className="mono">{host}</span>
        </h1>
      </div>
      <ErrorBanner error={error} />
      {rows === null && !error && <p className="muted">Loading…</p>}
      {rows && rows.length === 0 && <p className="empty card">This run has no record of {host}.</p>}
      {rows && rows.length > 0 && (
        <Table caption={`Every record of ${host} in this run, in order`} columns={['#', 'Task', 'Outcome', 'Duration', 'Message', 'Result']}>
          {rows.map(({ record, outcome, durationMs, result }) => (
            <tr key={record.counter} data-counter={record.counter} data-outcome={outcome}>
              <td data-label="#" className="mono small">
                {record.counter}
              </td>
              <td data-label="Task">
                {record.task || <span className="muted">—</span>}
                {record.play && <div className="muted small">{record.play}</div>}
              </td>
              <td data-label="Outcome">
                <span className={`pill cell-${outcome.replace(/^item /, '')}`}>{outcome}</span>
              </td>
              <td data-label="Duration" className="mono small">{durationMs === null ? '—' : formatDuration(durationMs)}</td>
              <td data-label="Message" className="message">{record.message || <span className="muted">—</span>}</td>
              <td data-label="Result">
                {result === null ? (
                  <span className="muted">—</span>
                ) : (
                  <details>
                    <summary>Result</summary>
                    <pre className="result">{JSON.stringify(result, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {rows && rows.length > 0 && <p className="muted small">Last record at {formatTime(rows[rows.length - 1].record.timestamp)}. Secrets are masked as in the run’s output.</p>}
    </section>
  );
}
