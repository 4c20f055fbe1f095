import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { Execution, ExecutionListFilter, ExecutionReads, ExecutionSecrets, ExecutionWriter, Job, newExecution, RecordLog, User } from '@app/database';
import { checkSecretPropertyNames, conflict, DEFAULT_STOP_GRACE_SECONDS, DomainError, forbidden, invalid, notFound, rolesAllow, splitSecrets, Clock } from '@app/domain';
import { SecretBox, sealed } from '@app/keys';
import { checkPrivateKey } from '../common/encoded-fields';
import { isUuid } from '../common/ids';
import { RestartRequest, StartRequest } from './execution.dto';

@Injectable()
export class ExecutionsService {
  constructor(
    private readonly executions: ExecutionReads,
    private readonly writer: ExecutionWriter,
    private readonly log: RecordLog,
    private readonly box: SecretBox,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly clock: Clock,
  ) {}

  /** Queues one run of `job`; a worker picks it up (FIFO within the account). */
  async start(job: Job, user: User, request: StartRequest = {}): Promise<Execution> {
    checkHostsAndKeys(request, isJobHost(job), "the job's hosts");
    checkSecretPropertyNames(request.properties, request.secretProperties);
    checkConnectionVariables(user, request);
    // Nothing is stored for a run to keep: a STORED_SECRET sent here is refused.
    const plain = splitSecrets('properties', request.properties, { canKeep: false });
    const marked = splitSecrets('secretProperties', request.secretProperties, { allSecret: true, canKeep: false });
    const properties = plain.shown || marked.shown ? { ...plain.shown, ...marked.shown } : undefined;
    const secrets: ExecutionSecrets = { ...keysOf(request, {}), properties: { ...plain.secrets, ...marked.secrets } };
    const hasSecrets = secrets.sshPrivateKey || Object.keys(secrets.hostKeys!).length || Object.keys(secrets.properties!).length;
    await this.checkQueue(job.accountId);
    const execution = newExecution({
      jobId: job.id,
      accountId: job.accountId,
      createdBy: user.id,
      request: {
        ...(request.hosts?.length ? { hosts: request.hosts.map((h) => h.id) } : {}),
        ...(properties ? { properties } : {}),
      },
    }, this.clock.now());
    // Sealed once the execution has its id: the sealed value is bound to its row.
    if (hasSecrets) execution.sealedSecrets = this.box.sealJson(secrets, sealed.execution(execution));
    return this.writer.enqueue(execution);
  }

  /**
   * One account cannot fill the queue (and the database) for everyone (RUNNER_ACCOUNT_MAX_QUEUED).
   * Counted, not locked: starts racing at the limit may pass it by a few, which the limit tolerates.
   */
  private async checkQueue(accountId: string): Promise<void> {
    const limit = this.config.accountMaxQueued;
    if (limit > 0 && (await this.writer.countQueued(accountId)) >= limit) {
      throw new DomainError('too_many', `This account has ${limit} runs queued, this service's limit (RUNNER_ACCOUNT_MAX_QUEUED); wait for some to start`, undefined, 30);
    }
  }

  async get(job: Job, id: string): Promise<Execution> {
    const execution = isUuid(id) ? await this.executions.findInJob(job.id, id) : null;
    if (!execution) throw notFound(`Execution ${id}`);
    return execution;
  }

  page(where: { jobId?: string; accountId?: string } & ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    return this.executions.page(where, page, size);
  }
  pageInTree(accountPath: string, filter: ExecutionListFilter, page: number, size: number): Promise<[Execution[], number]> {
    return this.executions.pageInTree(accountPath, filter, page, size);
  }

  /**
   * Only from FAILURE: back to the queue against the failed hosts only (or those of them the body
   * names), same id, a new timer. Keys in the body join the start's for this and later attempts.
   */
  async restart(job: Job, id: string, request: RestartRequest = {}): Promise<Execution> {
    // A restart queues a run as a start does: failed runs kept for it must not pass the limit.
    if ((await this.get(job, id)).status === 'FAILURE') await this.checkQueue(job.accountId);
    return this.changeOrConflict(id, (current) => {
      if (current.status !== 'FAILURE') throw conflict(`Only a FAILURE can be restarted; execution ${id} is ${current.status}`);
      // Without failed hosts (the playbook itself failed) the restart runs what the start ran.
      const rerun = current.failedHosts.length ? current.failedHosts : null;
      if (rerun) checkHostsAndKeys(request, (host) => rerun.includes(host), 'the hosts that failed');
      else checkHostsAndKeys(request, isJobHost(job), "the job's hosts");
      const named = request.hosts?.length ? request.hosts.map((h) => h.id) : null;
      return {
        status: 'PENDING',
        set: { queuedAt: this.clock.now(), onlyHosts: named ?? rerun, reason: null, exitCode: null, ...this.withKeys(current, request) },
        notify: 'queue',
      };
    });
  }

  /** The run's sealed secrets with the request's keys added (nothing to change without keys). */
  private withKeys(execution: Execution, request: RestartRequest): Partial<Execution> {
    if (!request.sshPrivateKey && !request.hosts?.some((h) => h.sshPrivateKey)) return {};
    const previous: ExecutionSecrets = execution.sealedSecrets ? this.box.openJson(execution.sealedSecrets, sealed.execution(execution)) : {};
    return { sealedSecrets: this.box.sealJson({ ...previous, ...keysOf(request, previous) }, sealed.execution(execution)) };
  }

  /** Graceful: a queued run ends at once; a running one is interrupted after its current task. */
  async stop(job: Job, id: string, graceSeconds = DEFAULT_STOP_GRACE_SECONDS): Promise<Execution> {
    await this.get(job, id);
    return this.changeOrConflict(id, (current) => {
      // The Runner accepted a stop of a stopping run: answered with the run as it is (the first grace stands).
      if (current.status === 'STOPPING') return null;
      if (current.status === 'PENDING') return { status: 'STOPPED', set: { reason: 'stopped before it started' } };
      if (current.status === 'INITIALIZING' || current.status === 'RUNNING') {
        return { status: 'STOPPING', set: { stopGraceSeconds: graceSeconds }, notify: 'control' };
      }
      throw conflict(`Execution ${id} is ${current.status}; only a PENDING, INITIALIZING, RUNNING or STOPPING execution can be stopped`);
    });
  }

  /** The whole process group at once. */
  async kill(job: Job, id: string): Promise<Execution> {
    await this.get(job, id);
    return this.changeOrConflict(id, (current) => {
      // As the Runner did, a kill of a run being killed is accepted: answered with the run as it is.
      if (current.status === 'KILLING') return null;
      if (current.status === 'PENDING') return { status: 'KILLED', set: { reason: 'killed before it started' } };
      if (['INITIALIZING', 'RUNNING', 'STOPPING'].includes(current.status)) return { status: 'KILLING', notify: 'control' };
      throw conflict(`Execution ${id} is ${current.status}; it cannot be killed`);
    });
  }

  async stdout(job: Job, id: string, startLine = 1, endLine?: number): Promise<string> {
    const execution = await this.get(job, id);
    const last = Math.min(endLine ?? execution.outputLines, execution.outputLines);
    if (startLine > last) return '';
    return (await this.log.readOutput(id, startLine, last)).join('\n') + '\n';
  }

  /** Kill every active execution of a job (DELETE …?force=true), waiting until none is active. */
  async killAll(job: Job): Promise<void> {
    for (const execution of await this.executions.activeForJob(job.id)) {
      await this.kill(job, execution.id).catch(() => undefined);
    }
  }

  activeForJob(job: Job): Promise<Execution[]> {
    return this.executions.activeForJob(job.id);
  }

  private async changeOrConflict(id: string, decide: Parameters<ExecutionWriter['change']>[2]): Promise<Execution> {
    const changed = await this.writer.change(id, undefined, decide);
    if (!changed) throw notFound(`Execution ${id}`);
    return changed;
  }
}

/**
 * A host a start may name: one of the job's, or any with the dynamic inventory or a repository's
 * inventory (the run then narrows to the hosts it has: repository-inventory.ts, never adds one).
 */
function isJobHost(job: Job): (host: string) => boolean {
  const known = new Set(job.definition.hosts.map((h) => h.id));
  return (host) => !!job.definition.useDynamicInventory || !!job.definition.repository?.inventory?.length || known.has(host);
}

/** 400 naming the first host of the request that is not `allowed`, or the first key that is not a private key. */
function checkHostsAndKeys(request: RestartRequest, allowed: (host: string) => boolean, which: string): void {
  (request.hosts ?? []).forEach((host, i) => {
    if (!allowed(host.id)) throw invalid(`hosts.${i}.id`, `host ${host.id} is not one of ${which}`);
    if (host.sshPrivateKey) checkPrivateKey(`hosts.${i}.sshPrivateKey`, host.sshPrivateKey);
  });
  if (request.sshPrivateKey) checkPrivateKey('sshPrivateKey', request.sshPrivateKey);
}

/** The keys of a start or restart request, over `previous` ones (a restart's keys join the start's). */
function keysOf(request: RestartRequest, previous: ExecutionSecrets): Pick<ExecutionSecrets, 'sshPrivateKey' | 'hostKeys'> {
  const hostKeys = Object.fromEntries((request.hosts ?? []).filter((h) => h.sshPrivateKey).map((h) => [h.id, h.sshPrivateKey!]));
  return { sshPrivateKey: request.sshPrivateKey ?? previous.sshPrivateKey, hostKeys: { ...previous.hostKeys, ...hostKeys } };
}

/**
 * Start-time variables outrank the job's own (they are extra vars). Ansible's own variables among
 * them (`ansible_host`, `ansible_ssh_common_args`, `ansible_connection`, `ansible_become_exe`…)
 * would let the starter send the job's keys and passwords to a host of their choosing, so they need
 * the role that may edit the job itself (manage), not only the one that may run it (operate).
 */
function checkConnectionVariables(user: User, request: StartRequest): void {
  if (rolesAllow(user.roles, 'manage')) return;
  const names = [...Object.keys(request.properties ?? {}), ...Object.keys(request.secretProperties ?? {})].filter((name) => name.startsWith('ansible_'));
  if (names.length) throw forbidden(`setting Ansible's own variables at start (${names.join(', ')}) needs the ServerAdmin role: they could send the job's secrets elsewhere`);
}
