import { formatInZone, formatLocal, type Schedule, upcomingFireTimes } from '../schedules';

/** Fire times in the schedule's zone (what its cron means), each with the browser's local time when that differs. */
export function FireTimes({ times, timeZone, label }: { times: Date[]; timeZone: string; label: string }) {
  return (
    <ol className="fire-times" aria-label={label}>
      {times.map((time) => {
        const local = formatLocal(time, timeZone);
        return (
          <li key={time.getTime()}>
            <time dateTime={time.toISOString()}>{formatInZone(time, timeZone)}</time>
            {local && <span className="muted small"> · {local}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** A stored schedule's next fire times, computed here with the service's code (the first is the API's nextRunTime). */
export function ScheduleFireTimes({ schedule, count }: { schedule: Schedule; count: number }) {
  if (!schedule.enabled) return <span className="muted">none while disabled</span>;
  const upcoming = upcomingFireTimes({ ...schedule.trigger, timeZone: schedule.timeZone }, new Date(), count);
  if ('problem' in upcoming || upcoming.times.length === 0) return <span className="muted">{schedule.trigger.type === 'date' ? 'none: it has fired' : 'none: it never matches'}</span>;
  return <FireTimes times={upcoming.times} timeZone={schedule.timeZone} label={`Next fire times of ${schedule.description || 'this schedule'}`} />;
}

/** A trigger as a table cell shows it: the cron expression and its zone, or the date, and which kind it is. */
export function TriggerText({ schedule }: { schedule: Schedule }) {
  const { type, expression } = schedule.trigger;
  return type === 'cron' ? (
    <>
      <code className="mono">{expression}</code>
      <div className="muted small">cron, {schedule.timeZone}</div>
    </>
  ) : (
    <>
      {formatInZone(new Date(expression), schedule.timeZone)}
      <div className="muted small">date, once</div>
    </>
  );
}
