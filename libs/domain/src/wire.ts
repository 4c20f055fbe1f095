/**
 * The API's documents as its clients read them. The web console and the CLI import these types
 * (never a copy), and the API's shaping code and response classes are checked against them, so a
 * changed field breaks every build that reads it. Types only: nothing here runs.
 */

export interface LinkDocument {
  rel: string;
  href: string;
  verbs?: string[];
}

/** A status record as API.md shows it: the same shape on the status API, socket.io and webhooks. */
export interface StatusRecordDocument {
  id: string;
  timestamp: number;
  job_id: string;
  execution_id: string;
  account_alias: string;
  counter: number;
  uuid: string | null;
  parent_uuid: string | null;
  event_type: string;
  host: string | null;
  play: string | null;
  task: string | null;
  failed: boolean;
  changed: boolean;
  message: string | null;
  stdout: string | null;
  event_data: Record<string, unknown> | null;
}


/** A run's set_stats data, or why it was not kept (RUNNER_MAX_ARTIFACTS_KB). */
export type ArtifactsDocument = { run: Record<string, unknown>; hosts: Record<string, Record<string, unknown>> } | { omitted: string };

/** An execution as GET …/executions/{id} answers it (the Runner's snake_case names). */
export interface ExecutionDocument {
  execution_id: string;
  job_id: string;
  account_alias: string;
  status: string;
  timers: { start: number; end: number | null }[];
  start: number | null;
  end: number | null;
  failed_hosts: string[];
  /** Per host, Ansible's recap counts (ok, changed, failures, …). */
  host_summaries: Record<string, Record<string, number>>;
  is_vpn_established: boolean;
  /** The commit a repository run checked out (newest first) and its tags. */
  repository_log: { recent_commit: { commit: string; author: string; author_email: string; date: number; message: string }[]; tags: string[] } | null;
  exit_code: number | null;
  reason: string | null;
  artifacts?: ArtifactsDocument | null;
  links: LinkDocument[];
}

/** A worker process as GET /v2/automation/runners answers it. */
export interface RunnerDocument {
  id: string;
  host: string;
  pid: number;
  slots: number;
  version: string;
  ansible: string;
  draining: boolean;
  startedTime: number;
  lastHeartbeatTime: number;
  runningExecutions: string[];
}
