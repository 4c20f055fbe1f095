import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { checkoutRepository, InventoryHost, playbookArguments, runEnvironment, RunSandbox, SshAgent, Workspace } from '@app/ansible';
import { JsonLogger, RunnerConfig } from '@app/config';
import {
  Account,
  AccountRepository,
  AuthTokenRepository,
  Execution,
  ExecutionSecrets,
  Job,
  JobRepository,
  JobSecrets,
  KeypairRepository,
  KnownHostRepository,
  RepositoryLog,
  ServerRepository,
  VpnConnection,
  VpnConnectionRepository,
} from '@app/database';
import { DEFAULT_STOP_GRACE_SECONDS, repositoryHost, runLimit, withSecrets } from '@app/domain';
import { bearerTokenHash, linesToRemember, newBearerToken, SecretBox, sealed } from '@app/keys';
import type { RunSecrets } from './run-secrets';
import { jobInventory, SELECTED_GROUP, selectedHosts } from './run-inventory';
import { RunProject } from './run-project';
import { RunVault } from './run-vault';
import { prepareVpn, VpnUnavailable } from './vpn-gateways';
import { PlaybookLauncher, PlaybookProcess } from '@app/process';

/** Preparation failed for a reason the user can act on: INIT_FAILURE with this message. */
export class InitFailure extends Error {}

export interface PreparationDependencies {
  config: RunnerConfig;
  logger: JsonLogger;
  accounts: AccountRepository;
  jobs: JobRepository;
  knownHosts: KnownHostRepository;
  keypairs: KeypairRepository;
  servers: ServerRepository;
  vpn: VpnConnectionRepository;
  tokens: AuthTokenRepository;
  box: SecretBox;
}

/** What the run needs from the database, read while its workspace is made. */
export interface RunData {
  job: Job | null;
  knownLines: string[];
  vpnConnections: VpnConnection[];
  account: Pick<Account, 'alias' | 'sandboxId'> | null;
}

/** How the requirements installer (run-project.ts) runs as the run's process: started, its output kept, stoppable. */
export interface InstallerHooks {
  launcher: Pick<PlaybookLauncher, 'spawn'>;
  /** A transcript line (masked already). */
  output(line: string): void;
  /** Each installer process, for a stop or kill to reach it. */
  onSpawn(process: PlaybookProcess): void;
}

/** A run ready for ansible-playbook. */
export interface PreparedRun {
  args: string[];
  /** The whole environment of ansible-playbook: the workspace's, the agent's, the run's token. */
  env: NodeJS.ProcessEnv;
  repositoryLog: RepositoryLog | null;
  ttlMinutes: number;
  isVpnEstablished: boolean;
  /** Says which vault file a failed run could not decrypt (RunVault.explain). */
  vault: RunVault;
}

/**
 * A run's token outlives its executionTtl by the stop's grace and this much (the time from minting
 * to the TTL timer's start): a hard upper bound, for a run whose end never got stored.
 */
const RUN_TOKEN_MARGIN_SECONDS = 60;

/**
 * A claimed run's preparation (INITIALIZING): its keys in an ssh-agent, the account's known hosts,
 * the checkout, the inventory (with registered servers and VPN routes), extra vars, ansible-playbook's
 * arguments and the run's token. What it starts (the agent, the token) lasts until release().
 */
export class RunPreparation {
  /** The run's ssh-agent, started only when the run has a key to serve. */
  private agent?: SshAgent;
  /** The hash of the run's token once minted (callBack): revoked when this worker is done with the run. */
  private tokenHash?: Buffer;
  /** The account's known hosts when the run began, and the hosts it was sent to (hostKeysToRemember). */
  private readonly hostKeys: { known: string[]; targets: Set<string> } = { known: [], targets: new Set() };

  constructor(
    private readonly deps: PreparationDependencies,
    private readonly execution: Execution,
    private readonly secrets: RunSecrets,
    private readonly step: (name: string) => void,
  ) {}

  static async read(deps: PreparationDependencies, execution: Execution): Promise<RunData> {
    const [job, knownLines, vpnConnections, account] = await Promise.all([
      deps.jobs.findById(execution.jobId),
      deps.knownHosts.lines(execution.accountId),
      deps.vpn.all(execution.accountId),
      deps.accounts.runIdentity(execution.accountId),
    ]);
    return { job, knownLines, vpnConnections, account };
  }

  async prepare(workspace: Workspace, sandbox: RunSandbox | undefined, { job, knownLines, vpnConnections, account }: RunData, installer: InstallerHooks): Promise<PreparedRun> {
    if (!job) throw new InitFailure('the job was deleted');
    const jobSecrets: JobSecrets = job.sealedSecrets ? this.deps.box.openJson(job.sealedSecrets, sealed.job(job)) : {};
    const runSecrets: ExecutionSecrets = this.execution.sealedSecrets ? this.deps.box.openJson(this.execution.sealedSecrets, sealed.execution(this.execution)) : {};
    const decode = (b64?: string): string | undefined => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);
    const keypairKey = await this.keypairKey(job);
    this.secrets.add(
      keypairKey,
      decode(jobSecrets.sshPrivateKey),
      decode(runSecrets.sshPrivateKey),
      ...Object.values(jobSecrets.hostKeys ?? {}).map(decode),
      ...Object.values(runSecrets.hostKeys ?? {}).map(decode),
      jobSecrets.repositoryCredentials?.password,
      decode(jobSecrets.repositoryCredentials?.sshPrivateKey),
      ...Object.values(jobSecrets.properties ?? {}),
      ...Object.values(jobSecrets.hostVars ?? {}).flatMap((vars) => Object.values(vars)),
      ...Object.values(runSecrets.properties ?? {}),
      ...Object.values(jobSecrets.vaultPasswords ?? {}),
    );

    const keys: [string | undefined, string][] = [
      [runSecrets.sshPrivateKey, 'given at start'],
      [jobSecrets.sshPrivateKey, 'of the job'],
      ...Object.entries(runSecrets.hostKeys ?? {}).map(([h, k]) => [k, `for host ${h} given at start`] as [string, string]),
      ...Object.entries(jobSecrets.hostKeys ?? {}).map(([h, k]) => [k, `for host ${h}`] as [string, string]),
      [jobSecrets.repositoryCredentials?.sshPrivateKey, 'of the repository credentials'],
      [keypairKey && Buffer.from(keypairKey).toString('base64'), `of key pair ${job.definition.keyPairAlias}`],
    ];
    for (const [key, label] of keys) if (key) await this.addKey(workspace, sandbox, key, label);
    this.step('keys');

    workspace.writeKnownHosts(knownLines);
    this.hostKeys.known = knownLines;
    for (const connection of vpnConnections) this.hostKeys.targets.add(connection.gatewayHost);
    // A job stored before RUNNER_MAX_FORKS was lowered runs with the limit.
    workspace.writeAnsibleConfig({ forks: job.definition.forks && Math.min(job.definition.forks, this.deps.config.maxForks) });
    const { playbook, repositoryLog, project } = await this.playbook(workspace, job, jobSecrets);
    // The vault's passwords as files for --vault-id, and what they open in the checkout, to mask.
    const vault = await RunVault.prepare(workspace, jobSecrets.vaultPasswords, job.definition.repository ? workspace.path('repo') : playbook);
    for (const note of vault.notes) this.deps.logger.write('warn', `vault: ${note}`, { executionId: this.execution.id });
    this.secrets.add(...vault.secrets);

    const inventory = await jobInventory(this.deps, job, jobSecrets);
    // Registered servers' secret hostVars are known only now: mask them too, from here on.
    this.secrets.add(...inventory.secrets);
    // VPN connections (vpn-gateways.ts): gateways the hosts need are verified now, their keys go
    // into this run's ssh-agent (so a run that needs a gateway needs the agent too).
    const vpn = await this.vpn(workspace, vpnConnections, inventory.hosts);
    this.secrets.add(...vpn.keys.map((k) => k.privateKey));
    for (const key of vpn.keys) await this.addKey(workspace, sandbox, Buffer.from(key.privateKey).toString('base64'), key.label);
    const extraVars = {
      ...withSecrets({ ...job.definition.properties, ...job.definition.secretProperties }, jobSecrets.properties),
      ...withSecrets(this.execution.request.properties, runSecrets.properties),
    };
    for (const host of vpn.hosts) {
      const address = extraVars.ansible_host ?? host.hostVars?.ansible_host ?? host.id;
      if (typeof address === 'string') this.hostKeys.targets.add(address);
    }
    const selection = selectedHosts(this.execution);
    const inventories = project?.inventoryArguments(selection, SELECTED_GROUP);
    workspace.writeInventory(vpn.hosts, selection && !inventories ? { ...inventory.groups, [SELECTED_GROUP]: selection } : inventory.groups);
    workspace.writeExtraVars(extraVars);
    // Last: the installer's uid owns the workspace, and the worker writes nothing into it after this.
    await project?.install({
      ...installer,
      sandbox,
      sshCommand: `ssh ${workspace.sshOptions()}`,
      env: runEnvironment(workspace, this.agent?.socket),
      mask: (text) => this.secrets.mask(text),
    });
    this.step('requirements');
    const args = playbookArguments(workspace, {
      playbook,
      inventories,
      tags: job.definition.repository?.playbookTags ?? job.definition.playbookTags,
      limit: runLimit(job.definition.limit, selection ? SELECTED_GROUP : undefined),
      verbosity: job.definition.verbosity,
      checkMode: job.definition.checkMode,
      vaultIds: vault.args,
    });
    const ttlMinutes = job.definition.executionTtl ?? 180;
    const callBack = await this.callBack(ttlMinutes, account?.alias);
    return {
      args,
      env: { ...runEnvironment(workspace, this.agent?.socket), ...callBack },
      repositoryLog,
      ttlMinutes,
      isVpnEstablished: vpn.keys.length > 0,
      vault,
    };
  }

  /** Stops the agent and revokes the token (the run's end revoked it already, unless that end was never stored). */
  async release(): Promise<void> {
    await this.agent?.stop().catch(() => undefined);
    if (this.tokenHash) await this.deps.tokens.revokeRunToken(this.tokenHash, new Date()).catch(() => undefined);
  }

  /**
   * Host keys first seen by this run, to become the account's known hosts: only lines as ssh writes
   * them on first contact with a host the run was sent to (linesToRemember), since the run's own
   * code could write that file too (a `@cert-authority *` line would vouch for every host of later runs).
   */
  hostKeysToRemember(workspace: Workspace): string[] {
    return linesToRemember(workspace.readKnownHosts(), this.hostKeys.known, this.hostKeys.targets);
  }

  /** The inline playbook, or the repository's checked out (a playbook inside it, valid YAML). */
  private async playbook(workspace: Workspace, job: Job, jobSecrets: JobSecrets): Promise<{ playbook: string; repositoryLog: RepositoryLog | null; project?: RunProject }> {
    const repo = job.definition.repository;
    // Checked by the api when the job was stored (job-validation.ts).
    if (!repo) return { playbook: workspace.write('playbook.yml', Buffer.from(job.definition.playbook ?? '', 'base64').toString('utf8')), repositoryLog: null };
    const target = workspace.path('repo');
    const checkout = await checkoutRepository({
      source: { url: repo.url, branch: repo.branch, credentials: jobSecrets.repositoryCredentials },
      mirrorsDir: path.join(this.deps.config.dataDir, 'git-mirrors', this.execution.accountId),
      target,
      env: runEnvironment(workspace, this.agent?.socket),
      sshCommand: `ssh ${workspace.sshOptions()}`,
    });
    this.hostKeys.targets.add(repositoryHost(repo.url));
    workspace.adopt('repo');
    const playbook = path.resolve(target, repo.defaultPlaybook);
    const real = fs.existsSync(playbook) ? fs.realpathSync(playbook) : null;
    if (!real || !fs.statSync(real).isFile()) throw new InitFailure(`playbook ${repo.defaultPlaybook} does not exist in ${repo.url}`);
    if (!real.startsWith(fs.realpathSync(target) + path.sep)) throw new InitFailure(`playbook ${repo.defaultPlaybook} points outside the repository`);
    checkYaml(playbook, repo.defaultPlaybook);
    const project = RunProject.prepare(this.deps.config, workspace, {
      dir: target,
      url: repo.url,
      credentials: jobSecrets.repositoryCredentials,
      accountId: this.execution.accountId,
      forks: job.definition.forks,
      inventory: repo.inventory,
    });
    return { playbook, repositoryLog: { recent_commit: [checkout.commit], tags: checkout.tags }, project };
  }

  /**
   * The API's URL and a token minted for this run (README "Runs that call back"), for the run's
   * environment only: never argv, masked like every secret. The token acts for the run's account
   * alone with the roles of whoever started the run (the service account's user for a schedule:
   * executions.created_by), and is revoked when the run ends; its expiry bounds it if that end is
   * never stored. Only its hash is stored.
   */
  private async callBack(ttlMinutes: number, accountAlias: string | undefined): Promise<NodeJS.ProcessEnv> {
    const userId = this.execution.createdBy;
    // Every run that reaches Ansible has a starter (a schedule without one ends INIT_FAILURE); a row
    // from before created_by was kept gets no token rather than someone else's.
    if (!userId) return {};
    const token = newBearerToken();
    const now = new Date();
    const lifetimeSeconds = ttlMinutes * 60 + DEFAULT_STOP_GRACE_SECONDS + RUN_TOKEN_MARGIN_SECONDS;
    this.tokenHash = bearerTokenHash(token);
    this.secrets.add(token);
    await this.deps.tokens.insertRunToken(
      {
        tokenHash: this.tokenHash,
        userId,
        accountId: this.execution.accountId,
        executionId: this.execution.id,
        expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
      },
      now,
    );
    // The alias too: a token does not say which account it acts for, and the collection needs one.
    return { RUNNER_API_URL: this.deps.config.runApiUrl, RUNNER_API_TOKEN: token, ...(accountAlias ? { RUNNER_ACCOUNT_ALIAS: accountAlias } : {}) };
  }

  /** Serves a key (base64 of its text) through the run's ssh-agent, started with the first key. */
  private async addKey(workspace: Workspace, sandbox: RunSandbox | undefined, base64Key: string, label: string): Promise<void> {
    this.agent ??= await SshAgent.start(workspace, sandbox);
    await this.agent.add(base64Key, label);
  }

  /** Routes hosts through VPN gateways; hosts a start request or restart leaves out need none. */
  private vpn(workspace: Workspace, connections: VpnConnection[], hosts: InventoryHost[]): ReturnType<typeof prepareVpn> {
    const selection = selectedHosts(this.execution);
    const selected = (id: string): boolean => !selection || selection.includes(id);
    return prepareVpn(this.deps, connections, hosts, selected, workspace).catch((error) => {
      throw error instanceof VpnUnavailable ? new InitFailure(error.message) : error;
    });
  }

  /** The private key of the job's `keyPairAlias`, if it names one. */
  private async keypairKey(job: Job): Promise<string | undefined> {
    const alias = job.definition.keyPairAlias;
    if (!alias) return undefined;
    const keypair = await this.deps.keypairs.find(job.accountId, alias);
    if (!keypair) throw new InitFailure(`key pair ${alias} does not exist in this account`);
    if (!keypair.sealedPrivateKey) throw new InitFailure(`key pair ${alias} has no private key (imported with its public key only)`);
    return this.deps.box.open(keypair.sealedPrivateKey, sealed.keypair(keypair.accountId, keypair.alias));
  }
}

function checkYaml(file: string, label: string): void {
  try {
    parse(fs.readFileSync(file, 'utf8'), { maxAliasCount: 1000 });
  } catch (error) {
    throw new InitFailure(`${label} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
