import { InventoryHost, playbookArguments, runEnvironment, RunSandbox, SshAgent, Workspace } from '@app/ansible';
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
import { Clock, repositoryHost, runLimit, withSecrets } from '@app/domain';
import { linesToRemember, SecretBox, sealed } from '@app/keys';
import type { PlaybookLauncher, PlaybookProcess } from '@app/process';
import { InitFailure } from './init-failure';
import type { RunSecrets } from './run-secrets';
import { jobInventory, SELECTED_GROUP, selectedHosts } from './run-inventory';
import { preparePlaybook } from './run-playbook';
import { RunToken } from './run-token';
import { RunVault } from './run-vault';
import { prepareVpn, VpnUnavailable } from './vpn-gateways';


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
  clock: Clock;
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
 * A claimed run's preparation (INITIALIZING): its keys in an ssh-agent, the account's known hosts,
 * the checkout, the inventory (with registered servers and VPN routes), extra vars, ansible-playbook's
 * arguments and the run's token. What it starts (the agent, the token) lasts until release().
 */
export class RunPreparation {
  /** The run's ssh-agent, started only when the run has a key to serve. */
  private agent?: SshAgent;
  /** The run's token (run-token.ts), minted last: revoked when this worker is done with the run. */
  private readonly token: RunToken;
  /** The account's known hosts when the run began, and the hosts it was sent to (hostKeysToRemember). */
  private readonly hostKeys: { known: string[]; targets: Set<string> } = { known: [], targets: new Set() };

  constructor(
    private readonly deps: PreparationDependencies,
    private readonly execution: Execution,
    private readonly secrets: RunSecrets,
    private readonly step: (name: string) => void,
  ) {
    this.token = new RunToken(deps, execution);
  }

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
    const { playbook, repositoryLog, project } = await preparePlaybook(this.deps.config, workspace, job, jobSecrets, this.agent?.socket);
    if (job.definition.repository) this.hostKeys.targets.add(repositoryHost(job.definition.repository.url));
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
    const callBack = await this.token.mint(ttlMinutes, account?.alias, (token) => this.secrets.add(token));
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
    await this.token.revoke();
  }

  /**
   * Host keys first seen by this run, to become the account's known hosts: only lines as ssh writes
   * them on first contact with a host the run was sent to (linesToRemember), since the run's own
   * code could write that file too (a `@cert-authority *` line would vouch for every host of later runs).
   */
  hostKeysToRemember(workspace: Workspace): string[] {
    return linesToRemember(workspace.readKnownHosts(), this.hostKeys.known, this.hostKeys.targets);
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
