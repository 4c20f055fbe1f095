import type { ExecutionDocument } from '../../../libs/domain/src/wire';
import { api, seg, type Page } from './api';
import { withQuery } from './url';
import type { Session } from './session';

export interface Job {
  id: string;
  accountAlias: string;
  description: string;
  playbook?: string;
  repository?: { url: string; branch?: string; defaultPlaybook: string; inventory?: string[] };
  hosts: { id: string; hostVars?: Record<string, unknown> }[];
  properties?: Record<string, unknown>;
  /** Vault ids, each password shown as "$encrypted$". */
  vaultPasswords?: Record<string, string>;
  keyPairAlias?: string;
  useDynamicInventory?: boolean;
  /** Run notifications; the chat URL comes back as "$encrypted$". */
  notify?: { email?: { to: string[]; on: string }; chat?: { url: string; on: string; origin?: string } };
  createdTime: number;
  lastUpdatedTime: number;
}

/** An execution as the API answers it (libs/domain's wire types: never a copy). */
export type Execution = ExecutionDocument;

export const jobsPath = (alias: string): string => `/v2/automation/jobs/${seg(alias)}`;
export const jobPath = (alias: string, jobId: string): string => `${jobsPath(alias)}/${seg(jobId)}`;
export const executionPath = (alias: string, jobId: string, executionId: string): string => `${jobPath(alias, jobId)}/executions/${seg(executionId)}`;

/** Starts a run of the job with its stored settings; answers the PENDING execution. */
export const startJob = (alias: string, jobId: string): Promise<Execution> => api.post<Execution>(`${jobPath(alias, jobId)}/start`, {});

/** The newest execution of a job, or null. */
export async function lastExecution(alias: string, jobId: string): Promise<Execution | null> {
  const page = await api.get<Page<Execution>>(`${jobPath(alias, jobId)}/executions?page=0&size=1`);
  return page.results[0] ?? null;
}

/**
 * Console paths. A job of another account than the session's (a sub-account's, reached from the
 * activity page) carries `?account=`; the session's own account needs none.
 */
const inAccount = (path: string, account?: string): string => (account ? withQuery(path, { account }) : path);
export const jobRunsPagePath = (jobId: string, account?: string): string => inAccount(`/jobs/${seg(jobId)}/executions`, account);
export const runPagePath = (jobId: string, executionId: string, account?: string): string =>
  inAccount(`/jobs/${seg(jobId)}/executions/${seg(executionId)}`, account);
export const hostPagePath = (jobId: string, executionId: string, host: string, account?: string): string =>
  inAccount(`/jobs/${seg(jobId)}/executions/${seg(executionId)}/hosts/${seg(host)}`, account);

/** The `?account=` a console path needs for `alias`, seen by `session`: none for its own account. */
export const otherAccount = (session: Session, alias: string): string | undefined => (alias === session.accountAlias ? undefined : alias);
