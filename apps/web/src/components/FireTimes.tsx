import { formatLocal, formatUtc, type Schedule, upcomingFireTimes } from '../schedules';

/** Fire times in UTC (what cron means here), each with the browser's local time when that differs. */
export function FireTimes({ times, label }: { times: Date[]; label: string }) {
  return (
    <ol className="fire-times" aria-label={label}>
      {times.map((time) => {
        const local = formatLocal(time);
        return (
          <li key={time.getTime()}>
            <time dateTime={time.toISOString()}>{formatUtc(time)}</time>
            {local && <span className="muted small"> · {local}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** A stored schedule's next fire times, computed here with the service's parser (the first is the API's nextRunTime). */
export function ScheduleFireTimes({ schedule, count }: { schedule: Schedule; count: number }) {
  if (!schedule.enabled) return <span className="muted">none while disabled</span>;
  const upcoming = upcomingFireTimes(schedule.trigger.type, schedule.trigger.expression, new Date(), count);
  if ('problem' in upcoming || upcoming.times.length === 0) return <span className="muted">{schedule.trigger.type === 'date' ? 'none: it has fired' : 'none in five years'}</span>;
  return <FireTimes times={upcoming.times} label={`Next fire times of ${schedule.description || 'this schedule'}`} />;
}

/** A trigger as a table cell shows it: the cron expression (UTC) or the date, and which kind it is. */
export function TriggerText({ schedule }: { schedule: Schedule }) {
  const { type, expression } = schedule.trigger;
  return type === 'cron' ? (
    <>
      <code className="mono">{expression}</code>
      <div className="muted small">cron, UTC</div>
    </>
  ) : (
    <>
      {formatUtc(new Date(expression))}
      <div className="muted small">date, once</div>
    </>
  );
}
