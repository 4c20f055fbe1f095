import { EXECUTION_STATUSES } from '../../../../libs/domain/src/execution-status';

/** The execution statuses as <option>s of a filter's <select>, spelled as the badges spell them. */
export function StatusOptions() {
  return (
    <>
      {EXECUTION_STATUSES.map((s) => (
        <option key={s} value={s}>
          {s.replace('_', ' ')}
        </option>
      ))}
    </>
  );
}
