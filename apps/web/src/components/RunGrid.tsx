import { Link } from '../router';
import { cellKey, type CellState, type Grid } from '../run-grid';

const SYMBOL: Record<CellState, string> = {
  running: '…',
  ok: '✓',
  changed: '✎',
  failed: '✗',
  skipped: '–',
  unreachable: '⚠',
  ignored: '✗',
};

/** Hosts are rows, tasks columns in playbook order; each cell says its state in text for screen readers. */
type Summaries = Record<string, Record<string, number>>;

/** Ansible's PLAY RECAP counts for a host, the non-zero ones only ("ok 4 · changed 1"). */
function recap(summary: Record<string, number> | undefined): string {
  if (!summary) return '';
  return ['ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored']
    .filter((k) => summary[k])
    .map((k) => `${k} ${summary[k]}`)
    .join(' · ');
}

/** `hostHref`: where a host's name links (its records); plain text without it. */
export function RunGrid({ grid, summaries = {}, hostHref }: { grid: Grid; summaries?: Summaries; hostHref?: (host: string) => string }) {
  const showRecap = Object.keys(summaries).length > 0;
  if (grid.tasks.length === 0) return <p className="muted">No task has started yet.</p>;
  return (
    <>
      <div className="grid-wrap card" tabIndex={0} role="region" aria-label="Hosts by tasks">
        <table className="run-grid" id="run-grid">
          <thead>
            <tr>
              <th scope="col" className="sticky">
                Host
              </th>
              {grid.tasks.map((task, i) => (
                <th scope="col" key={task.key} title={task.play ? `${task.play} · ${task.name}` : task.name}>
                  <span className="task-index">{i + 1}</span> {task.name}
                </th>
              ))}
              {showRecap && <th scope="col">Recap</th>}
            </tr>
          </thead>
          <tbody>
            {grid.hosts.map((host) => (
              <tr key={host}>
                <th scope="row" className="sticky mono">
                  {hostHref ? (
                    <Link to={hostHref(host)} title={`Every record of ${host}`}>
                      {host}
                    </Link>
                  ) : (
                    host
                  )}
                </th>
                {grid.tasks.map((task) => {
                  const cell = grid.cells[cellKey(host, task.key)];
                  if (!cell) return <td key={task.key} className="cell cell-none" aria-label="not run" />;
                  const label = cell.state + (cell.items ? ` (${cell.items} items)` : '') + (cell.message ? `: ${cell.message}` : '');
                  return (
                    <td key={task.key} className={`cell cell-${cell.state}`} data-state={cell.state} title={label}>
                      <span aria-hidden="true">{SYMBOL[cell.state]}</span>
                      <span className="sr-only">{label}</span>
                    </td>
                  );
                })}
                {showRecap && <td className="recap small">{recap(summaries[host])}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="legend" aria-label="Legend">
        {(['ok', 'changed', 'failed', 'skipped', 'unreachable', 'running'] as CellState[]).map((state) => (
          <li key={state}>
            <span className={`cell-swatch cell-${state}`} aria-hidden="true">
              {SYMBOL[state]}
            </span>
            {state}
          </li>
        ))}
      </ul>
    </>
  );
}
