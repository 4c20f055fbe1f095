import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText, type Page } from '../api';
import { ActivityFilters, type Filters } from '../components/ActivityFilters';
import { ErrorBanner } from '../components/ErrorBanner';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { ListTable } from '../components/Table';
import { formatDuration, formatTime, isTerminal } from '../format';
import { type Execution, type Job, jobPath, jobRunsPagePath, jobsPath, otherAccount, runPagePath } from '../jobs';
import { type FeedRecord, followAccount, type LinkState } from '../live';
import { Link, navigate } from '../router';
import { withQuery } from '../url';
import type { Session } from '../session';

const SIZE = 20;
/** How often at most the live region speaks: changes in between are summed up in one sentence. */
const ANNOUNCE_EVERY_MS = 3000;

const jobKey = (alias: string, jobId: string): string => `${alias}/${jobId}`;

/**
 * Every run of the account and its sub-accounts, newest first, narrowed by the filters in the
 * address (so a filtered view can be bookmarked), and live: the page follows the account over
 * socket.io and reads the list again at every (re)subscription and after every status change, so
 * new runs appear at the top and rows change in place, within the filters (the API applies them).
 */
export function ActivityPage({ session, query }: { session: Session; query: URLSearchParams }) {
  const alias = session.accountAlias;
  const filters: Filters = { status: query.get('status') ?? '', jobId: query.get('jobId') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const page = Number(query.get('page') ?? 0) || 0;
  const listUrl = withQuery(`${jobsPath(alias)}/executions`, { includeSubAccounts: 'true', page, size: SIZE, ...filters });
  const [runs, setRuns] = useState<Page<Execution> | null>(null);
  /** Job descriptions by account and id (null: the job is gone), for the rows and the job filter. */
  const [jobs, setJobs] = useState<Record<string, { alias: string; id: string; description: string | null }>>({});
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ state: LinkState; detail?: string }>({ state: 'connecting' });
  const [announcement, setAnnouncement] = useState('');

  // One read at a time; a read asked for meanwhile happens once after it, with the newest address.
  const current = useRef({ listUrl, status: filters.status });
  current.current = { listUrl, status: filters.status };
  const reading = useRef(false);
  const readAgain = useRef(false);
  const reload = useCallback((): void => {
    if (reading.current) {
      readAgain.current = true;
      return;
    }
    reading.current = true;
    void (async () => {
      do {
        readAgain.current = false;
        const url = current.current.listUrl;
        try {
          const list = await api.get<Page<Execution>>(url);
          if (url === current.current.listUrl) {
            setRuns(list);
            setError(null);
          }
        } catch (e) {
          setError(errorText(e));
        }
      } while (readAgain.current);
      reading.current = false;
    })();
  }, []);

  useEffect(() => reload(), [listUrl, reload]);

  // The account's own jobs for the job filter; other accounts' jobs join as their runs show up.
  useEffect(() => {
    api.get<Page<Job>>(`${jobsPath(alias)}?size=100`).then(
      (list) => setJobs((known) => ({ ...known, ...Object.fromEntries(list.results.map((j) => [jobKey(alias, j.id), { alias, id: j.id, description: j.description }])) })),
      () => undefined,
    );
  }, [alias]);
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const missing = new Map((runs?.results ?? []).map((e) => [jobKey(e.account_alias, e.job_id), e]));
    for (const [key, run] of missing) {
      if (key in jobs || asked.current.has(key)) continue;
      asked.current.add(key);
      api.get<Job>(jobPath(run.account_alias, run.job_id)).then(
        (job) => setJobs((known) => ({ ...known, [key]: { alias: run.account_alias, id: run.job_id, description: job.description } })),
        () => setJobs((known) => ({ ...known, [key]: { alias: run.account_alias, id: run.job_id, description: null } })),
      );
    }
  }, [runs, jobs]);

  // The live region speaks about new runs and finished ones, at most once every few seconds.
  const heard = useRef<string[]>([]);
  const speakTimer = useRef<number | null>(null);
  const shown = useRef(new Set<string>());
  shown.current = new Set((runs?.results ?? []).map((e) => e.execution_id));
  const announce = useCallback((batch: FeedRecord[]): void => {
    for (const record of batch) {
      const status = String(record.event_data?.status ?? '');
      if (status === 'PENDING' && !shown.current.has(record.execution_id)) heard.current.push(`A run started in ${record.account_alias}.`);
      else if (isTerminal(status)) heard.current.push(`A run in ${record.account_alias} ended ${status.replace('_', ' ')}.`);
    }
    if (!heard.current.length || speakTimer.current !== null) return;
    speakTimer.current = window.setTimeout(() => {
      const said = heard.current;
      heard.current = [];
      speakTimer.current = null;
      setAnnouncement(said.length <= 2 ? said.join(' ') : `${said.length} run changes; the list is up to date.`);
    }, ANNOUNCE_EVERY_MS);
  }, []);
  useEffect(() => () => void (speakTimer.current !== null && window.clearTimeout(speakTimer.current)), []);

  useEffect(() => {
    const subscription = followAccount(alias, {
      // The feed does not replay what happened while the page was not subscribed: read the list.
      subscribed: reload,
      state: (state, detail) => setLink({ state, detail }),
      changes: (batch) => {
        const latest = new Map(batch.map((r) => [r.execution_id, String(r.event_data?.status ?? '')]));
        const only = current.current.status;
        // A shown row takes its new status at once (if the status filter still lets it be shown); the
        // read that follows brings new runs, drops the ones the filter no longer takes, and the rest.
        setRuns((list) =>
          list && {
            ...list,
            results: list.results.map((e) => (latest.has(e.execution_id) && (!only || latest.get(e.execution_id) === only) ? { ...e, status: latest.get(e.execution_id)! } : e)),
          },
        );
        announce(batch);
        reload();
      },
    });
    return () => subscription.close();
  }, [alias, reload, announce]);

  const jobOptions = Object.values(jobs)
    .filter((j) => j.description !== null)
    .sort((a, b) => (a.alias === alias ? 0 : 1) - (b.alias === alias ? 0 : 1) || a.description!.localeCompare(b.description!));
  const labelOf = (j: { alias: string; description: string | null }): string => (j.alias === alias ? j.description! : `${j.description} · ${j.alias}`);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Activity</h1>
        <p className="live-state" id="activity-link" data-state={link.state}>
          <span className={`live-dot live-${link.state}`} aria-hidden="true" /> Updates: {link.state}
        </p>
      </div>
      <ActivityFilters key={query.toString()} filters={filters} jobs={jobOptions.map((j) => ({ id: j.id, label: labelOf(j) }))} />
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {link.detail && link.state !== 'live' && <p className={`banner ${link.state === 'closed' ? 'banner-error' : 'banner-info'}`}>{link.detail}</p>}
      <p className="sr-only" role="status" aria-live="polite" id="activity-announcement">
        {announcement}
      </p>
      {runs === null && !error && <p className="muted">Loading…</p>}
      <ListTable
        items={runs?.results ?? null}
        empty={Object.values(filters).some(Boolean) ? 'No run matches these filters.' : `No runs yet in ${alias} or its sub-accounts.`}
        caption={`Runs of ${alias} and its sub-accounts, newest first`}
        columns={['Run', 'Status', 'Account', 'Job', 'Started', 'Duration', 'Failed hosts']}
        row={(run) => {
          const account = otherAccount(session, run.account_alias);
          const job = jobs[jobKey(run.account_alias, run.job_id)];
          return (
            <tr key={run.execution_id} data-execution-id={run.execution_id}>
              <td data-label="Run">
                {/* The name holds the visible text (label in name); a hidden span first would make the link's first box 1px wide. */}
                <Link to={runPagePath(run.job_id, run.execution_id, account)} className="mono" aria-label={`Run ${run.execution_id.slice(0, 8)}`}>
                  {run.execution_id.slice(0, 8)}
                </Link>
              </td>
              <td data-label="Status" className="run-status">
                <StatusBadge status={run.status} />
              </td>
              <td data-label="Account" className="mono small">
                {run.account_alias}
              </td>
              <td data-label="Job">
                {job?.description === null ? (
                  <span className="muted">deleted job</span>
                ) : (
                  <Link to={jobRunsPagePath(run.job_id, account)}>{job?.description || run.job_id.slice(0, 8)}</Link>
                )}
              </td>
              <td data-label="Started">{formatTime(run.start)}</td>
              <td data-label="Duration">{run.start && run.end ? formatDuration(run.end - run.start) : run.start ? 'running' : '—'}</td>
              <td data-label="Failed hosts" className="mono small failed-hosts">
                {run.failed_hosts.join(', ') || '—'}
              </td>
            </tr>
          );
        }}
      />
      {runs && <Pager page={page} size={SIZE} total={runs.totalSize} onPage={(p) => navigate(withQuery('/activity', { ...filters, page: p }))} />}
    </section>
  );
}
