import { useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { formatTime } from '../format';
import type { RunnerDocument } from '../../../../libs/domain/src/wire';

type Runner = RunnerDocument;

/** Worker processes and their load, refreshed every few seconds (root AccountAdmin only: others see the API's 403). */
export function RunnersPage() {
  const [runners, setRunners] = useState<Runner[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const load = (): void => {
      api.get<Runner[]>('/v2/automation/runners').then(
        (list) => {
          if (!stopped) {
            setRunners(list);
            setError(null);
          }
        },
        (e) => !stopped && setError(errorText(e)),
      );
    };
    load();
    const timer = setInterval(load, 5000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Runners</h1>
      </div>
      <ErrorBanner error={error} />
      {runners && runners.length === 0 && <p className="empty card">No worker has sent a heartbeat in the last minute.</p>}
      {runners && runners.length > 0 && (
        <div className="cards">
          {runners.map((runner) => {
            const load = runner.runningExecutions.length;
            return (
              <article className="card runner" key={runner.id} aria-label={`Runner ${runner.host} pid ${runner.pid}`}>
                <header>
                  <h2 className="mono">
                    {runner.host}:{runner.pid}
                  </h2>
                  {runner.draining && <span className="badge badge-stopping">draining</span>}
                </header>
                <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={runner.slots} aria-valuenow={load} aria-label="Slots in use">
                  <span style={{ width: `${runner.slots ? (100 * load) / runner.slots : 0}%` }} />
                </div>
                <p>
                  <strong>{load}</strong> of {runner.slots} slots busy
                </p>
                <dl className="kv small">
                  <dt>Version</dt>
                  <dd>{runner.version}</dd>
                  <dt>Ansible</dt>
                  <dd>{runner.ansible}</dd>
                  <dt>Started</dt>
                  <dd>{formatTime(runner.startedTime)}</dd>
                  <dt>Heartbeat</dt>
                  <dd>{formatTime(runner.lastHeartbeatTime)}</dd>
                </dl>
              </article>
            );
          })}
        </div>
      )}
    </section>
  );
}
