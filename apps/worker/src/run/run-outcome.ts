import type { HostSummary } from '@app/ansible';
import type { Execution, ExecutionArtifacts, ExecutionChange, NewStatusRecord } from '@app/database';
import { ExecutionStatus, finalStatus } from '@app/domain';

/** What a run's events said about it (playbook_on_stats), once Ansible printed its recap. */
export interface RunStats {
  hostSummaries: Record<string, HostSummary>;
  failedHosts: string[];
}

/**
 * The change that ends a run: its final status (a requested stop or kill wins over `natural`),
 * host summaries, failed hosts and artifacts, its reason, and the closing `playbook_result` record.
 */
export function terminalChange(
  current: Execution,
  natural: ExecutionStatus,
  { stats, artifacts }: { stats?: RunStats; artifacts?: ExecutionArtifacts },
  result: { exitCode?: number | null; reason?: string | null; failedHosts?: string[] },
  now: Date,
): ExecutionChange {
  const status = finalStatus(current.status, natural);
  // A restart runs only the failed hosts: keep the others' summaries from the earlier run.
  const hostSummaries = { ...current.hostSummaries, ...(stats?.hostSummaries ?? {}) };
  const failedHosts = stats
    ? Object.entries(hostSummaries).filter(([, s]) => (s as HostSummary).failures > 0 || (s as HostSummary).unreachable > 0).map(([h]) => h).sort()
    : (result.failedHosts ?? current.failedHosts);
  const reason = current.reason ?? (status === natural ? (result.reason ?? null) : status === 'KILLED' ? 'killed on request' : 'stopped on request');
  const message = status === 'SUCCESS' ? 'SUCCESS' : `${status}: ${reason ?? 'see the failed hosts'}`;
  return {
    status,
    // A restart keeps the earlier run's artifacts unless its playbook publishes some.
    set: { exitCode: result.exitCode ?? null, reason: status === 'SUCCESS' ? null : reason, hostSummaries, failedHosts, ...(artifacts ? { artifacts } : {}) },
    records: [resultRecord(now, status === 'SUCCESS', message, { status, failed_hosts: failedHosts, exit_code: result.exitCode ?? null })],
  };
}

/** The record that closes a run's records: its outcome, for the status API, sockets and webhooks. */
export function resultRecord(now: Date, success: boolean, message: string, data: Record<string, unknown> = {}): NewStatusRecord {
  return {
    timestamp: now,
    uuid: null,
    parentUuid: null,
    eventType: 'playbook_result',
    host: null,
    play: null,
    task: null,
    failed: !success,
    changed: false,
    message,
    stdout: null,
    eventData: data,
  };
}
