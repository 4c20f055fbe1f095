import { useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { ScheduleFireTimes, TriggerText } from '../components/FireTimes';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';
import { Link } from '../router';
import { accountSchedulesPath, type Schedule } from '../schedules';
import type { Session } from '../session';

const SIZE = 50;

/**
 * Every schedule of the account in one request (GET /v2/automation/schedules/{alias}): enabled
 * ones first, soonest first. Read-only; each links to its job's schedules, where they are changed.
 */
export function AccountSchedulesPage({ session }: { session: Session }) {
  const alias = session.accountAlias;
  const [page, setPage] = useState(0);
  const [schedules, setSchedules] = useState<Page<Schedule & { jobDescription: string }> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.get<Page<Schedule & { jobDescription: string }>>(`${accountSchedulesPath(alias)}?page=${page}&size=${SIZE}`).then(setSchedules, (e) => setError(errorText(e)));
  }, [alias, page]);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Schedules</h1>
      </div>
      <p className="hint page-intro">Every schedule of {alias}, the next to fire first. A job’s own schedules page creates and changes them.</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {schedules && schedules.results.length === 0 && <p className="empty card">No job of {alias} has a schedule.</p>}
      {schedules && schedules.results.length > 0 && (
        <Table caption={`Schedules of ${alias}, the next to fire first`} columns={['Job', 'Schedule', 'Trigger', 'Service account', 'Next fire times', 'State']}>
          {schedules.results.map((s) => (
            <tr key={s.id} data-schedule-id={s.id}>
              <td data-label="Job">
                <Link to={`/jobs/${seg(s.jobId)}/schedules`} className="strong">
                  {s.jobDescription || 'Untitled job'}
                </Link>
              </td>
              <td data-label="Schedule">{s.description || s.id.slice(0, 8)}</td>
              <td data-label="Trigger">
                <TriggerText schedule={s} />
              </td>
              <td data-label="Service account">{s.serviceAccountAlias}</td>
              <td data-label="Next fire times" className="small">
                <ScheduleFireTimes schedule={s} count={1} />
              </td>
              <td data-label="State">
                <span className={`badge ${s.enabled ? 'badge-success' : 'badge-stopped'}`}>{s.enabled ? 'enabled' : 'disabled'}</span>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {schedules && <Pager page={page} size={SIZE} total={schedules.totalSize} onPage={setPage} />}
    </section>
  );
}
