import * as crypto from 'node:crypto';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExecutionStatus } from '@app/domain';
import type { JsonObject } from './job.entity';

export interface ExecutionTimer {
  start: number;
  end: number | null;
}

export interface RepositoryLog {
  recent_commit: { commit: string; author: string; author_email: string; date: number; message: string }[];
  tags: string[];
}

/** What a start request may change for one run; no secret in it (keys are in sealedSecrets). */
export interface ExecutionRequest {
  hosts?: string[];
  properties?: JsonObject;
}

/**
 * A run's set_stats data: `run` the aggregate (`per_host: false`), `hosts` per host; or, when it
 * was larger than RUNNER_MAX_ARTIFACTS_KB, only `omitted`, saying so (never cut JSON).
 */
export type ExecutionArtifacts = { run: JsonObject; hosts: Record<string, JsonObject> } | { omitted: string };

/** One run of a job, and its queue entry. */
@Entity('executions')
export class Execution {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'job_id' }) jobId: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy: string | null;
  @Column('text') status: ExecutionStatus;
  /** Fencing token: incremented by every claim; a worker's writes carry the attempt it claimed. */
  @Column('integer') attempt: number;
  @Column('text', { nullable: true }) owner: string | null;
  @Column('timestamptz', { name: 'lease_expires_at', nullable: true }) leaseExpiresAt: Date | null;
  @Column('timestamptz', { name: 'queued_at' }) queuedAt: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('jsonb') timers: ExecutionTimer[];
  @Column('jsonb') request: ExecutionRequest;
  @Column('text', { name: 'sealed_secrets', nullable: true }) sealedSecrets: string | null;
  /** Restart: run only these hosts (the failed ones). */
  @Column('text', { name: 'only_hosts', array: true, nullable: true }) onlyHosts: string[] | null;
  @Column('text', { name: 'failed_hosts', array: true }) failedHosts: string[];
  @Column('jsonb', { name: 'host_summaries' }) hostSummaries: JsonObject;
  @Column('boolean', { name: 'is_vpn_established' }) isVpnEstablished: boolean;
  @Column('jsonb', { name: 'repository_log', nullable: true }) repositoryLog: RepositoryLog | null;
  @Column('integer', { name: 'exit_code', nullable: true }) exitCode: number | null;
  @Column('text', { nullable: true }) reason: string | null;
  /** What the playbook published with set_stats, masked and bounded (ExecutionArtifacts); null if nothing. */
  @Column('jsonb', { nullable: true }) artifacts: ExecutionArtifacts | null;
  @Column('integer', { name: 'stop_grace_seconds', nullable: true }) stopGraceSeconds: number | null;
  @Column('integer', { name: 'last_counter' }) lastCounter: number;
  @Column('integer', { name: 'output_lines' }) outputLines: number;
  /** The schedule that started it, if any (overlap policies look at these). */
  @Column('uuid', { name: 'schedule_id', nullable: true }) scheduleId: string | null;
}

/** A new queued execution of a job, queued at `now` (the caller's Clock); the one place its initial state is written down. */
export function newExecution(
  fields: {
    jobId: string;
    accountId: string;
    createdBy: string | null;
    request?: ExecutionRequest;
    scheduleId?: string | null;
  },
  now: Date,
): Execution {
  return {
    id: crypto.randomUUID(),
    jobId: fields.jobId,
    accountId: fields.accountId,
    createdBy: fields.createdBy,
    status: 'PENDING',
    attempt: 0,
    owner: null,
    leaseExpiresAt: null,
    queuedAt: now,
    createdAt: now,
    updatedAt: now,
    timers: [],
    request: fields.request ?? {},
    sealedSecrets: null,
    onlyHosts: null,
    failedHosts: [],
    hostSummaries: {},
    isVpnEstablished: false,
    repositoryLog: null,
    exitCode: null,
    reason: null,
    artifacts: null,
    stopGraceSeconds: null,
    lastCounter: 0,
    outputLines: 0,
    scheduleId: fields.scheduleId ?? null,
  };
}

/** Start-time secrets of one run. */
export interface ExecutionSecrets {
  sshPrivateKey?: string;
  hostKeys?: Record<string, string>;
  /** Secret extra vars of the start request, by name. */
  properties?: Record<string, string>;
}
