import { useCallback, useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { useChange } from '../change';
import { ErrorBanner } from '../components/ErrorBanner';
import { ScheduleFireTimes, TriggerText } from '../components/FireTimes';
import { Notice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { ConfirmDelete, RowActions, RowButton } from '../components/RowActions';
import { ScheduleForm } from '../components/ScheduleForm';
import { ListTable } from '../components/Table';
import { type Job, jobPath } from '../jobs';
import { Link } from '../router';
import { CATCH_UP, OVERLAP, type Schedule, type ScheduleBody, schedulesPath, type ServiceAccount, serviceAccountsPath } from '../schedules';
import { may, type Session } from '../session';

const SIZE = 50;
/** Fire times per row of the list (the form previews more). */
const LIST_COUNT = 3;

const editable = (s: Schedule): ScheduleBody => ({
  description: s.description,
  serviceAccountAlias: s.serviceAccountAlias,
  trigger: s.trigger,
  timeZone: s.timeZone,
  enabled: s.enabled,
  overlap: s.overlap,
  catchUp: s.catchUp,
});
const nameOf = (s: Schedule): string => s.description || s.id.slice(0, 8);
const labelOf = <T extends string>(options: { value: T; label: string }[], value: T): string => options.find((o) => o.value === value)?.label ?? value;

/** A job's schedules: their triggers and next fire times; create, edit, enable/disable, delete. */
export function SchedulesPage({ session, jobId }: { session: Session; jobId: string }) {
  const alias = session.accountAlias;
  const base = schedulesPath(alias, jobId);
  const [job, setJob] = useState<Job | null>(null);
  const [page, setPage] = useState(0);
  const [schedules, setSchedules] = useState<Page<Schedule> | null>(null);
  // null until loaded: the form starts with the first one chosen, so it waits for the list.
  const [serviceAccounts, setServiceAccounts] = useState<ServiceAccount[] | null>(null);
  const [editing, setEditing] = useState<Schedule | null>(null);
  // A new key empties the new-schedule form after a create.
  const [formKey, setFormKey] = useState(0);
  const manage = may(session, 'manage');
  const { error, setError, notice, change } = useChange(() => load());

  const load = useCallback(
    (): Promise<void> => api.get<Page<Schedule>>(`${base}?page=${page}&size=${SIZE}`).then(setSchedules, (e) => setError(errorText(e))),
    [base, page, setError],
  );
  useEffect(() => void load(), [load]);
  useEffect(() => {
    api.get<Job>(jobPath(alias, jobId)).then(setJob, (e) => setError(errorText(e)));
    api.get<ServiceAccount[]>(serviceAccountsPath(alias)).then(setServiceAccounts, (e) => setError(errorText(e)));
  }, [alias, jobId, setError]);

  const submit = async (body: ScheduleBody): Promise<void> => {
    const name = body.description || 'Schedule';
    if (editing) {
      if (await change(() => api.put(`${base}/${seg(editing.id)}`, body), `${name} saved.`)) setEditing(null);
    } else if (await change(() => api.post(base, body), `${name} created.`)) {
      setFormKey((k) => k + 1);
    }
  };

  // One click: the schedule as GET gave it, with enabled flipped (PUT takes GET's body back).
  const toggle = (s: Schedule): Promise<boolean> =>
    change(() => api.put(`${base}/${seg(s.id)}`, { ...editable(s), enabled: !s.enabled }), `${nameOf(s)} ${s.enabled ? 'disabled: it fires nothing until enabled again' : 'enabled'}.`);

  const remove = async (s: Schedule): Promise<void> => {
    if (editing?.id === s.id) setEditing(null);
    await change(() => api.delete(`${base}/${seg(s.id)}`), `${nameOf(s)} deleted.`);
  };

  const title = job?.description || 'Job';
  return (
    <section className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/jobs">Jobs</Link> <span aria-hidden="true">/</span> <Link to={`/jobs/${seg(jobId)}/executions`}>{title}</Link> <span aria-hidden="true">/</span> Schedules
      </nav>
      <div className="page-head">
        <h1>{title} · schedules</h1>
        <div className="controls">
          <Link to={`/jobs/${seg(jobId)}/executions`} className="button">
            Runs
          </Link>
        </div>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      {manage && serviceAccounts && (
        <ScheduleForm
          key={editing ? `edit-${editing.id}` : `new-${formKey}`}
          schedule={editing}
          serviceAccounts={serviceAccounts}
          canAddServiceAccounts={may(session, 'administer')}
          onSubmit={submit}
          onCancel={() => setEditing(null)}
        />
      )}
      <ListTable
        items={schedules?.results ?? null}
        empty="This job has no schedules."
        caption="Schedules of this job"
        columns={['Schedule', 'Trigger', 'Service account', 'Overlap · catch-up', 'Next fire times', 'State', '']}
        row={(s) => (
          <tr key={s.id} data-schedule-id={s.id}>
            <td data-label="Schedule" className="strong">
              {nameOf(s)}
            </td>
            <td data-label="Trigger">
              <TriggerText schedule={s} />
            </td>
            <td data-label="Service account">{s.serviceAccountAlias}</td>
            <td data-label="Overlap · catch-up" className="small">
              {labelOf(OVERLAP, s.overlap)} · {labelOf(CATCH_UP, s.catchUp)}
            </td>
            <td data-label="Next fire times" className="small">
              <ScheduleFireTimes schedule={s} count={LIST_COUNT} />
            </td>
            <td data-label="State">
              <span className={`badge ${s.enabled ? 'badge-success' : 'badge-stopped'}`}>{s.enabled ? 'enabled' : 'disabled'}</span>
            </td>
            <RowActions show={manage}>
              <RowButton label={`${s.enabled ? 'Disable' : 'Enable'} schedule ${nameOf(s)}`} onClick={() => void toggle(s)}>
                {s.enabled ? 'Disable' : 'Enable'}
              </RowButton>
              <RowButton label={`Edit schedule ${nameOf(s)}`} onClick={() => setEditing(s)}>
                Edit
              </RowButton>
              <ConfirmDelete label={`Delete schedule ${nameOf(s)}`} question={`Delete schedule ${nameOf(s)}? Runs it started stay; it starts no more.`} onDelete={() => remove(s)} />
            </RowActions>
          </tr>
        )}
      />
      {schedules && <Pager page={page} size={SIZE} total={schedules.totalSize} onPage={setPage} />}
    </section>
  );
}
