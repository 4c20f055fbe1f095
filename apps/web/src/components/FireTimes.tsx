import { formatLocal, formatUtc } from '../schedules';

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
