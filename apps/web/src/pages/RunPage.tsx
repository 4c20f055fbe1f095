import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText } from '../api';
import { Artifacts } from '../components/Artifacts';
import { ErrorBanner } from '../components/ErrorBanner';
import { RunGrid } from '../components/RunGrid';
import { StatusBadge } from '../components/StatusBadge';
import { formatDuration, formatTime, isTerminal } from '../format';
import { saveText } from '../download';
import { type Execution, executionPath, hostPagePath, type Job, jobPath, jobRunsPagePath, otherAccount } from '../jobs';
import { followExecution, type LinkState } from '../live';
import { Link } from '../router';
import { applyRecords, emptyGrid, type Grid, type StatusRecord } from '../run-grid';
import type { Session } from '../session';

const CONTROLS = [
  { rel: 'stop', label: 'Stop', hint: 'Interrupt Ansible after its current task' },
  { rel: 'kill', label: 'Kill', hint: 'Kill the whole run at once' },
  { rel: 'restart', label: 'Restart failed hosts', hint: 'Run the failed hosts again' },
] as const;

/**
 * The live run page: status, timers, controls, the host × task grid (each host links to its records)
 * and the transcript. `alias` is the run's account (the session's, or a sub-account's).
 */
export function RunPage({ session, alias, jobId, executionId }: { session: Session; alias: string; jobId: string; executionId: string }) {
  const account = otherAccount(session, alias);
  const path = executionPath(alias, jobId, executionId);
  const [job, setJob] = useState<Job | null>(null);
  const [execution, setExecution] = useState<Execution | null>(null);
  const [grid, setGrid] = useState<Grid>(emptyGrid);
  // Counters seen, to show (and let the browser test check) that no record arrived twice.
  const seenCounters = useRef(new Set<number>());
  const [duplicates, setDuplicates] = useState(0);
  const [link, setLink] = useState<{ state: LinkState; detail?: string }>({ state: 'connecting' });
  const [transcript, setTranscript] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const now = useNow(!isTerminal(execution?.status));
  const transcriptLines = useRef(0);
  const transcriptBox = useRef<HTMLPreElement>(null);
  const followTail = useRef(true);

  const refresh = useCallback(async () => {
    try {
      setExecution(await api.get<Execution>(path));
    } catch (e) {
      setError(errorText(e));
    }
  }, [path]);

  useEffect(() => {
    void refresh();
    api.get<Job>(jobPath(alias, jobId)).then(setJob, () => undefined);
    const subscription = followExecution(alias, executionId, 0, {
      records: (batch: StatusRecord[]) => {
        setGrid((g) => applyRecords(g, batch));
        let repeated = 0;
        for (const record of batch) {
          if (seenCounters.current.has(record.counter)) repeated++;
          else seenCounters.current.add(record.counter);
        }
        if (repeated) setDuplicates((d) => d + repeated);
        // A status change also changes timers and which controls apply: read the execution again.
        if (batch.some((r) => r.event_type === 'execution_status' || r.event_type === 'playbook_result')) void refresh();
      },
      state: (state, detail) => setLink({ state, detail }),
    });
    return () => subscription.close();
  }, [alias, jobId, executionId, refresh]);

  // The transcript grows line by line; fetch only the new lines while the run is under way.
  const status = execution?.status;
  useEffect(() => {
    let stopped = false;
    const pull = async (): Promise<void> => {
      try {
        const text = await api.get<string>(`${path}/stdout?start_line=${transcriptLines.current + 1}`);
        if (stopped || !text) return;
        transcriptLines.current += text.split('\n').length - 1;
        const box = transcriptBox.current;
        // Keep following the end unless the reader has scrolled up to read something.
        followTail.current = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 24;
        setTranscript((t) => t + text);
      } catch {
        // The banner shows API errors from the status reads; a missed transcript poll retries.
      }
    };
    void pull();
    if (isTerminal(status)) return;
    const timer = setInterval(() => void pull(), 1500);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [path, status]);

  useEffect(() => {
    const box = transcriptBox.current;
    if (box && followTail.current) box.scrollTop = box.scrollHeight;
  }, [transcript]);

  const control = async (rel: string): Promise<void> => {
    const target = execution?.links.find((l) => l.rel === rel);
    if (!target) return;
    if (rel === 'kill' && !window.confirm('Kill this run now? Ansible is stopped at once, mid-task.')) return;
    setBusy(rel);
    setError(null);
    try {
      // A restart keeps the grid: the re-run hosts' cells are overwritten as their records arrive.
      setExecution(await api.post<Execution>(target.href, rel === 'stop' ? {} : undefined));
    } catch (e) {
      setError(`${rel} failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  // The whole transcript as the stdout endpoint has it now (a running run's so far), not the page's copy.
  const download = async (): Promise<void> => {
    setBusy('download');
    setError(null);
    try {
      saveText(await api.get<string>(`${path}/stdout`), `run-${executionId}.txt`);
    } catch (e) {
      setError(`Download failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const timers = execution?.timers ?? [];
  const started = execution?.start ?? null;
  const ended = execution?.end ?? null;

  return (
    <section className="page run-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/jobs">Jobs</Link> <span aria-hidden="true">/</span> <Link to={jobRunsPagePath(jobId, account)}>{job?.description || 'Job'}</Link>{' '}
        <span aria-hidden="true">/</span> <span className="mono">{executionId.slice(0, 8)}</span>
      </nav>
      <div className="page-head">
        <h1>
          Run <span className="mono muted small">{executionId}</span>
        </h1>
        <div className="controls">
          {CONTROLS.map(({ rel, label, hint }) =>
            execution?.links.some((l) => l.rel === rel) ? (
              <button key={rel} type="button" className={rel === 'kill' ? 'danger' : rel === 'stop' ? 'warning' : 'primary'} title={hint} disabled={busy !== null} onClick={() => void control(rel)}>
                {busy === rel ? `${label}…` : label}
              </button>
            ) : null,
          )}
        </div>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      <dl className="facts card">
        <div>
          <dt>Status</dt>
          <dd>
            {/* The live region sits inside the dd: a role on the dd itself would break the list's structure. */}
            <span role="status" aria-live="polite" id="run-status">
              <StatusBadge status={execution?.status ?? grid.status} />
            </span>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(started)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono" id="run-duration">
            {started ? formatDuration((ended ?? now) - started) : '—'}
          </dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd className="mono" id="run-records" data-count={grid.records} data-duplicates={duplicates}>
            {grid.records}
          </dd>
        </div>
        <div>
          <dt>Updates</dt>
          <dd id="run-link" data-state={link.state}>
            <span className={`live-dot live-${link.state}`} aria-hidden="true" /> {link.state === 'live' && isTerminal(status) ? 'complete' : link.state}
          </dd>
        </div>
      </dl>
      {link.detail && link.state !== 'live' && <p className={`banner ${link.state === 'closed' ? 'banner-error' : 'banner-info'}`} role="status">{link.detail}</p>}
      {execution?.reason && <p className="banner banner-warn">Reason: {execution.reason}</p>}
      {grid.result?.failed && grid.result.message && grid.result.message !== execution?.reason && <p className="banner banner-warn">{grid.result.message}</p>}
      {timers.length > 1 && (
        <p className="muted small">
          Attempts:{' '}
          {timers.map((t, i) => (
            <span key={i}>
              {i > 0 && ' · '}#{i + 1} {formatTime(t.start)} ({t.end ? formatDuration(t.end - t.start) : 'running'})
            </span>
          ))}
        </p>
      )}

      <h2>Hosts × tasks</h2>
      <RunGrid grid={grid} summaries={execution?.host_summaries} hostHref={(host) => hostPagePath(jobId, executionId, host, account)} />

      <Artifacts artifacts={execution?.artifacts} />

      <div className="section-head">
        <h2>Transcript</h2>
        <button type="button" className="small" onClick={() => void download()} disabled={busy !== null}>
          {busy === 'download' ? 'Downloading…' : 'Download transcript'}
        </button>
      </div>
      <pre className="transcript" ref={transcriptBox} tabIndex={0} aria-label="Ansible transcript" id="transcript">
        {transcript || (isTerminal(status) ? '(no output)' : 'Waiting for output…')}
      </pre>
    </section>
  );
}

/** The current time, ticking every second while `active`, for the running duration. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
