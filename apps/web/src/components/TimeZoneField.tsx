import { useState } from 'react';
import { localTimeZone, offeredTimeZones } from '../schedules';

/**
 * A schedule's time zone: typed, or chosen from the zones this browser knows (UTC and the
 * browser's own first), with one click for the browser's. The API checks the name (timeZoneProblem).
 */
export function TimeZoneField({ value, onChange, describedBy }: { value: string; onChange(zone: string): void; describedBy: string }) {
  const [zones] = useState(offeredTimeZones);
  const browserZone = localTimeZone();
  return (
    <div className="field">
      <label>
        Time zone
        <input name="timeZone" className="mono" required list="schedule-time-zones" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`schedule-zone-hint ${describedBy}`} spellCheck={false} autoComplete="off" />
      </label>
      <datalist id="schedule-time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <span className="hint" id="schedule-zone-hint">
        An IANA name such as Europe/Berlin: a cron’s hours are wall-clock times there, daylight saving included, and fire times are shown there.{' '}
        {value !== browserZone && (
          <button type="button" className="small" onClick={() => onChange(browserZone)}>
            Use my time zone ({browserZone})
          </button>
        )}
      </span>
    </div>
  );
}
