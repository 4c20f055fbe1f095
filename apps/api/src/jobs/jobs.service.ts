import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { callbackUrlProblem } from '@app/realtime';
import { Account, deleteInBatches, Job, JobDefinition, JobRepository, JobSecrets, RETENTION_BATCH, RetentionRepository } from '@app/database';
import { conflict, invalid, notFound, splitNotify, splitSecrets, STORED_SECRET } from '@app/domain';
import { ExecutionsService } from '../executions/executions.service';
import { SecretBox, sealed, UnopenableSealedValue } from '@app/keys';
import { JobRequest } from './job.dto';
import { checkJobRequest } from './job-validation';
import { checkNotifyTargets } from '../notify/notify-targets';
import { isUuid } from '../common/ids';

const DEFAULT_TTL_MINUTES = 180;

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly box: SecretBox,
    private readonly executions: ExecutionsService,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly retention: RetentionRepository,
  ) {}

  async create(account: Account, request: JobRequest): Promise<Job> {
    await this.check(request);
    const now = new Date();
    const row = { id: randomUUID(), accountId: account.id };
    const job: Job = {
      ...row,
      description: request.description ?? '',
      status: 'ACTIVE',
      ...this.compose(row, request, {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.jobs.insert(job);
    return job;
  }

  async get(account: Account, id: string): Promise<Job> {
    const job = isUuid(id) ? await this.jobs.findInAccount(account.id, id) : null;
    if (!job) throw notFound(`Job ${id}`);
    return job;
  }

  /**
   * PUT replaces the definition. Secrets are write-only, so one left out is kept (a host's key for
   * the same host id; repository credentials only while the URL is unchanged) and `null` removes it.
   */
  async update(account: Account, id: string, request: JobRequest): Promise<Job> {
    await this.check(request);
    const job = await this.get(account, id);
    const previous = this.storedSecrets(job, request);
    const sameRepository = job.definition.repository?.url === request.repository?.url;
    job.description = request.description ?? '';
    Object.assign(job, this.compose(job, request, sameRepository ? previous : { ...previous, repositoryCredentials: undefined }));
    job.updatedAt = new Date();
    await this.jobs.update(job);
    return job;
  }

  /**
   * The job's stored secrets, for a PUT to keep. Ones that do not open (another key sealed them, or
   * they were copied from another row) cannot be kept: a request that asks to ("$encrypted$") is a
   * 409; one that sends its secrets again replaces them (those it leaves out were unusable anyway).
   */
  private storedSecrets(job: Job, request: JobRequest): JobSecrets {
    if (!job.sealedSecrets) return {};
    try {
      return this.box.openJson<JobSecrets>(job.sealedSecrets, sealed.job(job));
    } catch (error) {
      if (error instanceof UnopenableSealedValue && !JSON.stringify(request).includes(STORED_SECRET)) return {};
      throw error;
    }
  }

  /**
   * 409 while an execution is active; with `force`, kill them first. Their rows go with the job,
   * so the workers running them are fenced out and kill what is left of the process groups. Its
   * finished runs go first, in retention's small batches (README "Retention"): one cascading DELETE
   * of a long history would hold its locks, and the database's attention, for minutes.
   */
  async delete(account: Account, id: string, force: boolean): Promise<void> {
    const job = await this.get(account, id);
    const active = await this.executions.activeForJob(job);
    if (active.length && !force) {
      throw conflict(`Job ${id} has ${active.length} active execution(s); stop them or delete with ?force=true`);
    }
    if (active.length) await this.executions.killAll(job);
    await deleteInBatches(() => this.retention.deleteJobHistoryBatch(job.id, RETENTION_BATCH));
    await this.jobs.delete(job.id);
  }

  /** Field checks and this service's limits, then the SSRF guard on callback URLs (delivery checks again at connect time). */
  private async check(request: JobRequest): Promise<void> {
    checkJobRequest(request);
    if ((request.forks ?? 0) > this.config.maxForks) throw invalid('forks', `is over this service's limit of ${this.config.maxForks} (RUNNER_MAX_FORKS)`);
    if ((request.hosts?.length ?? 0) > this.config.maxJobHosts) {
      throw invalid('hosts', `lists ${request.hosts!.length} hosts, over this service's limit of ${this.config.maxJobHosts} (RUNNER_MAX_JOB_HOSTS); register them as servers and use useDynamicInventory`);
    }
    for (const [i, callback] of (request.callbacks ?? []).entries()) {
      const problem = await callbackUrlProblem(callback.url, this.config.webhookAllowPrivate);
      if (problem) throw invalid(`callbacks.${i}.url`, `is refused: ${problem} (set RUNNER_WEBHOOK_ALLOW_PRIVATE=true to allow)`);
    }
    if (request.notify) await checkNotifyTargets('notify', request.notify, this.config);
  }

  /** The showable definition and the sealed secrets of a request. */
  private compose(row: Pick<Job, 'id' | 'accountId'>, request: JobRequest, previous: JobSecrets): Pick<Job, 'definition' | 'sealedSecrets'> {
    const variables = secretVariablesOf(request, previous);
    const definition = definitionOf(request, variables.shown);
    const notify = request.notify ? splitNotify('notify', request.notify, previous.chatUrl) : undefined;
    if (notify) definition.notify = notify.shown;
    const secrets: JobSecrets = { ...secretsOf(request, previous), ...variables.secrets, chatUrl: notify?.chatUrl };
    if (definition.repository) definition.repository.hasCredentials = secrets.repositoryCredentials !== undefined;
    const present =
      secrets.sshPrivateKey ||
      secrets.repositoryCredentials ||
      Object.keys(secrets.hostKeys ?? {}).length ||
      Object.keys(secrets.properties ?? {}).length ||
      Object.keys(secrets.hostVars ?? {}).length ||
      Object.keys(secrets.vaultPasswords ?? {}).length ||
      secrets.chatUrl;
    return { definition, sealedSecrets: present ? this.box.sealJson(secrets, sealed.job(row)) : null };
  }
}

/**
 * The request's variables with each secret one replaced by STORED_SECRET (secret-variables.ts),
 * and the secret values, kept from `previous` where the request sent STORED_SECRET back.
 */
function secretVariablesOf(
  request: JobRequest,
  previous: JobSecrets,
): {
  shown: Pick<JobDefinition, 'properties' | 'secretProperties' | 'vaultPasswords'> & { hostVars: (JobDefinition['hosts'][number]['hostVars'] | undefined)[] };
  secrets: Required<Pick<JobSecrets, 'properties' | 'hostVars' | 'vaultPasswords'>>;
} {
  const properties = splitSecrets('properties', request.properties, { previous: previous.properties });
  const marked = splitSecrets('secretProperties', request.secretProperties, { allSecret: true, previous: previous.properties });
  const vault = splitSecrets('vaultPasswords', request.vaultPasswords, { allSecret: true, previous: previous.vaultPasswords });
  const hostVars: Record<string, Record<string, string>> = {};
  const hosts = (request.hosts ?? []).map((host, i) => {
    const split = splitSecrets(`hosts.${i}.hostVars`, host.hostVars, { previous: ownValue(previous.hostVars, host.id) });
    if (Object.keys(split.secrets).length) hostVars[host.id] = split.secrets;
    return split.shown;
  });
  return {
    shown: { properties: properties.shown, secretProperties: marked.shown, vaultPasswords: vault.shown as Record<string, string> | undefined, hostVars: hosts },
    secrets: { properties: { ...properties.secrets, ...marked.secrets }, hostVars, vaultPasswords: vault.secrets },
  };
}

/** The storable, showable part of a request: every secret stripped (secret variables as STORED_SECRET). */
function definitionOf(request: JobRequest, shown: ReturnType<typeof secretVariablesOf>['shown']): JobDefinition {
  const definition: JobDefinition = {
    hosts: (request.hosts ?? []).map((h, i) => (shown.hostVars[i] ? { id: h.id, hostVars: shown.hostVars[i] } : { id: h.id })),
    callbacks: (request.callbacks ?? []).map((c) => ({ url: c.url, level: c.level ?? 'DEBUG' })),
    executionTtl: request.executionTtl ?? DEFAULT_TTL_MINUTES,
  };
  if (request.playbook !== undefined) definition.playbook = request.playbook.replace(/\s+/g, '');
  if (request.repository) {
    const { url, branch, defaultPlaybook, playbookTags, inventory } = request.repository;
    definition.repository = { url, defaultPlaybook };
    if (branch !== undefined) definition.repository.branch = branch;
    if (playbookTags !== undefined) definition.repository.playbookTags = playbookTags;
    if (inventory?.length) definition.repository.inventory = inventory;
  }
  for (const key of ['playbookTags', 'keyPairAlias', 'useDynamicInventory', 'limit', 'verbosity', 'checkMode', 'forks'] as const) {
    if (request[key] !== undefined && request[key] !== null) (definition as unknown as Record<string, unknown>)[key] = request[key];
  }
  if (shown.properties) definition.properties = shown.properties;
  if (shown.secretProperties && Object.keys(shown.secretProperties).length) definition.secretProperties = shown.secretProperties;
  if (shown.vaultPasswords && Object.keys(shown.vaultPasswords).length) definition.vaultPasswords = shown.vaultPasswords;
  return definition;
}

/** The secrets of a request; a secret left out (undefined) keeps the previous value, null clears it. */
function secretsOf(request: JobRequest, previous: JobSecrets): JobSecrets {
  const hostKeys: Record<string, string> = {};
  for (const host of request.hosts ?? []) {
    const key = host.sshPrivateKey === undefined ? ownValue(previous.hostKeys, host.id) : host.sshPrivateKey;
    if (key) hostKeys[host.id] = key;
  }
  const sshPrivateKey = request.sshPrivateKey === undefined ? previous.sshPrivateKey : request.sshPrivateKey || undefined;
  const credentials = request.repository?.credentials;
  const repositoryCredentials = !request.repository
    ? undefined
    : credentials === undefined
      ? previous.repositoryCredentials
      : credentials ?? undefined;
  return { sshPrivateKey, hostKeys, repositoryCredentials };
}

/** A stored value under a host id, never one of Object.prototype's ("constructor" is a valid host id). */
function ownValue<T>(values: Record<string, T> | undefined, id: string): T | undefined {
  return values && Object.hasOwn(values, id) ? values[id] : undefined;
}
