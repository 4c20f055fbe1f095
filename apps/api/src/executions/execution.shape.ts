import type { Account, Execution } from '@app/database';
import { isTerminal, rolesAllow, type ExecutionStatus } from '@app/domain';
import { Link, link } from '../common/links';
import type { Principal } from '../common/principal';
import type { ExecutionResponse } from './execution.dto';

/** Which control endpoints make sense in a status (links list only what the caller may use). */
const CONTROLS: Record<string, (s: ExecutionStatus) => boolean> = {
  stop: (s) => ['PENDING', 'INITIALIZING', 'RUNNING'].includes(s),
  kill: (s) => !isTerminal(s) && s !== 'KILLING',
  restart: (s) => s === 'FAILURE',
};

export function shapeExecution(execution: Execution, account: Account, principal: Principal): ExecutionResponse {
  const base = `/v2/automation/jobs/${account.alias}/${execution.jobId}`;
  const self = `${base}/executions/${execution.id}`;
  const links: Link[] = [
    link('self', self),
    link('job', base, { id: execution.jobId }),
    link('status', `/v2/automation/status/${account.alias}/job/${execution.jobId}/execution/${execution.id}`),
    link('stdout', `${self}/stdout`),
  ];
  if (rolesAllow(principal.user.roles, 'operate')) {
    for (const [rel, allowed] of Object.entries(CONTROLS)) {
      if (allowed(execution.status)) links.push(link(rel, `${self}/${rel}`, { verbs: ['POST'] }));
    }
  }
  const timers = execution.timers;
  return {
    execution_id: execution.id,
    job_id: execution.jobId,
    account_alias: account.alias,
    status: execution.status,
    timers,
    start: timers[0]?.start ?? null,
    end: isTerminal(execution.status) ? (timers[timers.length - 1]?.end ?? execution.updatedAt.getTime()) : null,
    failed_hosts: execution.failedHosts,
    host_summaries: execution.hostSummaries,
    is_vpn_established: execution.isVpnEstablished,
    repository_log: execution.repositoryLog,
    exit_code: execution.exitCode,
    reason: execution.reason,
    artifacts: execution.artifacts,
    links,
  };
}
