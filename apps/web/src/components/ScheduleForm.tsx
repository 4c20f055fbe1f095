import { type FormEvent, useState } from 'react';
import { Link } from '../router';
import {
  CATCH_UP,
  type CatchUp,
  DEFAULT_TIME_ZONE,
  fromLocalInput,
  localTimeZone,
  OVERLAP,
  type Overlap,
  type ProblemField,
  type Schedule,
  type ScheduleBody,
  type ServiceAccount,
  toLocalInput,
  type TriggerType,
  upcomingFireTimes,
} from '../schedules';
import { FireTimes } from './FireTimes';
import { TimeZoneField } from './TimeZoneField';

/** How many fire times the form previews and the list shows. */
export const PREVIEW_COUNT = 5;

interface Props {
  /** The schedule being edited, or null for a new one. */
  schedule: Schedule | null;
  serviceAccounts: ServiceAccount[];
  /** The user may create service accounts: the form links to that page when there is none. */
  canAddServiceAccounts: boolean;
  onSubmit(body: ScheduleBody): Promise<void>;
  onCancel(): void;
}

/**
 * Create or edit a schedule. While a trigger is typed the form previews its next fire times, or
 * says what is wrong, with the service's own parser: what it shows is what the API will answer.
 */
export function ScheduleForm({ schedule, serviceAccounts, canAddServiceAccounts, onSubmit, onCancel }: Props) {
  const type0 = schedule?.trigger.type ?? 'cron';
  const [description, setDescription] = useState(schedule?.description ?? '');
  const [serviceAccountAlias, setServiceAccountAlias] = useState(schedule?.serviceAccountAlias ?? serviceAccounts[0]?.alias ?? '');
  const [type, setType] = useState<TriggerType>(type0);
  const [cron, setCron] = useState(type0 === 'cron' ? (schedule?.trigger.expression ?? '') : '');
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? DEFAULT_TIME_ZONE);
  const [date, setDate] = useState(type0 === 'date' ? toLocalInput(schedule!.trigger.expression) : '');
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [overlap, setOverlap] = useState<Overlap>(schedule?.overlap ?? 'allow');
  const [catchUp, setCatchUp] = useState<CatchUp>(schedule?.catchUp ?? 'one');
  const [busy, setBusy] = useState(false);

  const expression = type === 'cron' ? cron.trim() : fromLocalInput(date);
  const preview = expression ? upcomingFireTimes({ type, expression, timeZone }, new Date(), PREVIEW_COUNT) : null;
  const subject: Record<ProblemField, string> = { 'trigger.expression': type === 'cron' ? 'Cron expression' : 'Date', timeZone: 'Time zone' };
  // A schedule may name a service account deleted since: keep it choosable so an edit does not silently change it.
  const usernames = new Map(serviceAccounts.map((sa) => [sa.alias, sa.username]));
  const aliases = [...usernames.keys()];
  if (serviceAccountAlias && !aliases.includes(serviceAccountAlias)) aliases.push(serviceAccountAlias);
  const title = schedule ? `Edit schedule ${schedule.description || schedule.id.slice(0, 8)}` : 'New schedule';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      // Sent even when the preview found a problem: the API is the authority and says it in the same words.
      await onSubmit({ description: description.trim(), serviceAccountAlias, trigger: { type, expression }, timeZone: timeZone.trim(), enabled, overlap, catchUp });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form card inline-form" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2>{title}</h2>
      <div className="grid-2">
        <label>
          Description
          <input name="description" autoFocus={!!schedule} value={description} maxLength={1000} placeholder="nightly deploy" onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="field">
          <label>
            Service account
            <select name="serviceAccountAlias" required value={serviceAccountAlias} onChange={(e) => setServiceAccountAlias(e.target.value)} aria-describedby="schedule-sa-hint">
              <option value="">Choose a service account</option>
              {aliases.map((alias) => (
                <option key={alias} value={alias}>
                  {alias} {usernames.has(alias) ? `(acts as ${usernames.get(alias)})` : '(missing)'}
                </option>
              ))}
            </select>
          </label>
          <span className="hint" id="schedule-sa-hint">
            The runs act as this user, with its rights.{' '}
            {serviceAccounts.length === 0 && (canAddServiceAccounts ? <Link to="/service-accounts">Create a service account first.</Link> : 'An AccountAdmin creates service accounts.')}
          </span>
        </div>
      </div>

      <fieldset>
        <legend>Trigger</legend>
        <div className="segmented">
          <label>
            <input type="radio" name="triggerType" value="cron" checked={type === 'cron'} onChange={() => setType('cron')} />
            Cron (repeats)
          </label>
          <label>
            <input type="radio" name="triggerType" value="date" checked={type === 'date'} onChange={() => setType('date')} />
            Date (once)
          </label>
        </div>
        <div className="grid-2">
          {type === 'cron' ? (
            <div className="field">
              <label>
                Cron expression ({timeZone})
                <input name="cron" className="mono" required value={cron} placeholder="30 2 * * 1-5" onChange={(e) => setCron(e.target.value)} aria-describedby="schedule-cron-hint schedule-preview" spellCheck={false} autoComplete="off" />
              </label>
              <span className="hint" id="schedule-cron-hint">
                Five fields, read in the time zone: minute hour day-of-month month day-of-week (lists 1,15 · ranges 1-5 · steps */10 · names JAN, MON). <span className="mono">30 2 * * 1-5</span> is 02:30 there on weekdays.
              </span>
            </div>
          ) : (
            <label>
              Date and time ({localTimeZone()})
              <input name="date" type="datetime-local" step={1} required value={date} onChange={(e) => setDate(e.target.value)} aria-describedby="schedule-preview" />
            </label>
          )}
          <TimeZoneField value={timeZone} onChange={setTimeZone} describedBy="schedule-preview" />
        </div>
        <div className="preview" id="schedule-preview" aria-live="polite">
          {preview === null ? (
            <p className="hint">{type === 'cron' ? 'Type an expression to see its next fire times.' : 'Choose a date and time.'}</p>
          ) : 'problem' in preview ? (
            <p className="preview-problem">
              <span aria-hidden="true">✗ </span>
              {subject[preview.field]} {preview.problem}
            </p>
          ) : preview.times.length === 0 ? (
            <p className="preview-problem">Never fires: no date matches it.</p>
          ) : (
            <>
              <p className="hint">{type === 'cron' ? `Next ${preview.times.length} fire times` : 'Fires once'}:</p>
              <FireTimes times={preview.times} timeZone={timeZone} label="Previewed fire times" />
            </>
          )}
        </div>
      </fieldset>

      <div className="grid-2">
        <Choices<Overlap> legend="Overlap: while the previous scheduled run is still active" name="overlap" options={OVERLAP} value={overlap} onChange={setOverlap} />
        <Choices<CatchUp> legend="Catch-up: fire times missed while no worker ran" name="catchUp" options={CATCH_UP} value={catchUp} onChange={setCatchUp} />
      </div>

      <label className="checkbox">
        <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled (a disabled schedule keeps its settings and fires nothing)
      </label>

      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {schedule ? 'Save schedule' : 'Create schedule'}
        </button>
        {schedule && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** A radio group whose every option says what it does. */
function Choices<T extends string>(props: { legend: string; name: string; options: { value: T; label: string; explain: string }[]; value: T; onChange(value: T): void }) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option.value} className="choice">
          <input type="radio" name={props.name} value={option.value} checked={props.value === option.value} onChange={() => props.onChange(option.value)} />
          <span>
            <strong>{option.label}</strong> <span className="muted">— {option.explain}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
