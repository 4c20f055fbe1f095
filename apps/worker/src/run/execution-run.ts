import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  AnsibleEvent,
  checkoutRepository,
  CheckoutError,
  HostSummary,
  cutLineBytes,
  LineSplitter,
  parseEventLine,
  playbookArguments,
  PlaybookLauncher,
  PlaybookProcess,
  runEnvironment,
  RunSandbox,
  Sandbox,
  SshAgent,
  summarizeStats,
  UnusableKeyError,
  Workspace,
} from '@app/ansible';
import { JsonLogger, RunnerConfig } from '@app/config';
import {
  Account,
  AccountRepository,
  AuthTokenRepository,
  Execution,
  ExecutionArtifacts,
  ExecutionChange,
  ExecutionRepository,
  ExecutionSecrets,
  Job,
  JobRepository,
  JobSecrets,
  KeypairRepository,
  KnownHostRepository,
  NewStatusRecord,
  RepositoryLog,
  ServerRepository,
  VpnConnection,
  VpnConnectionRepository,
} from '@app/database';
import { ExecutionStatus, repositoryHost, runLimit, SecretMasker, withSecrets } from '@app/domain';
import { bearerTokenHash, linesToRemember, newBearerToken, openServerHostVars, SecretBox, sealed } from '@app/keys';
import { RecordWriter } from './record-writer';
import { rideOutOutage } from './ride-out';
import { runArtifacts } from './run-artifacts';
import { RunVault } from './run-vault';
import { prepareVpn, VpnUnavailable } from './vpn-gateways';

/** Preparation failed for a reason the user can act on: INIT_FAILURE with this message. */
class InitFailure extends Error {}

export interface RunDependencies {
  config: RunnerConfig;
  accounts: AccountRepository;
  executions: ExecutionRepository;
  jobs: JobRepository;
  knownHosts: KnownHostRepository;
  keypairs: KeypairRepository;
  servers: ServerRepository;
  vpn: VpnConnectionRepository;
  box: SecretBox;
  logger: JsonLogger;
  launcher: PlaybookLauncher;
  sandbox: Sandbox;
  tokens: AuthTokenRepository;
}

const KILL_AFTER_STOP_DEFAULT_SECONDS = 30;
/** The inventory group of the hosts a start request or restart selected (see selection()). */
const SELECTED_GROUP = '__runner_selected_hosts';
/** How often a running sandbox's limit counters are read (two small files). */
const LIMIT_CHECK_MS = 1000;
/**
 * A run's token outlives its executionTtl by the stop's grace and this much (the time from minting
 * to the TTL timer's start): a hard upper bound, for a run whose end never got stored.
 */
const RUN_TOKEN_MARGIN_SECONDS = 60;

/**
 * One claimed execution from workspace to final status: prepare (INITIALIZING), run
 * ansible-playbook (RUNNING), store every event as a record, finish. Every write is fenced by the
 * attempt this worker claimed; once fenced out, it kills the process group and writes nothing.
 */
export class ExecutionRun {
  private process?: PlaybookProcess;
  private requested?: 'stop' | 'kill';
  private lost = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly writer: RecordWriter;
  private masker = new SecretMasker([]);
  /** What the masker masks (setMasker): the run's token joins them once minted. */
  private secrets: (string | undefined)[] = [];
  /** The hash of the run's token once minted (callBack): revoked when this worker is done with the run. */
  private tokenHash?: Buffer;
  /** The transcript's masker: base64 wrapped across lines is masked too (LineMasker). */
  private transcript = this.masker.lines();
  private stats?: { hostSummaries: Record<string, HostSummary>; failedHosts: string[] };
  /** The set_stats data of the run (runArtifacts), once its stats event came. */
  private artifacts?: ExecutionArtifacts;
  /** The run's vault passwords and what they open in the checkout (RunVault). */
  private vault?: RunVault;
  private readonly failures = new Map<string, string>();
  /** Ansible's own fatal error (a playbook it refused), kept from the transcript for the reason. */
  private fatalError?: string;
  /** The run's ssh-agent, started only when the run has a key to serve. */
  private agent?: SshAgent;
  /** The account's known hosts when the run began, and the hosts it was sent to (rememberHostKeys). */
  private hostKeys: { known: string[]; targets: Set<string> } = { known: [], targets: new Set() };
  /** Where the run's processes are confined (unset with RUNNER_SANDBOX=off). */
  private sandbox?: RunSandbox;
  /** Set once the run reached a limit of its sandbox: the reason it ended. */
  private limitReason?: string;
  /** Milliseconds since the claim at each launch step, logged when ansible-playbook starts. */
  private readonly launchSteps: Record<string, number> = {};
  private readonly claimedAt = performance.now();

  constructor(
    private readonly deps: RunDependencies,
    readonly execution: Execution,
  ) {
    this.writer = new RecordWriter(deps.executions, execution, {
      outageSeconds: deps.config.dbOutageSeconds,
      bufferLimit: deps.config.recordBuffer,
      onFenced: () => this.leaseLost('a write was fenced out'),
      onError: (error) => {
        deps.logger.write('error', 'records could not be stored', { executionId: execution.id, error: error.message });
        // Records are gone beyond this point: stop Ansible rather than run on unrecorded.
        this.leaseLost('records could not be stored');
      },
      onBackpressure: (paused) => {
        deps.logger.write('info', paused ? 'record buffer full; Ansible paused' : 'record buffer drained; Ansible resumed', { executionId: execution.id });
        if (paused) this.process?.pause();
        else this.process?.resume();
      },
      onWaiting: (error) =>
        deps.logger.write('warn', 'database unreachable; holding records', { executionId: execution.id, error: error.message }),
    });
  }

  get attempt(): number {
    return this.execution.attempt;
  }

  async run(): Promise<void> {
    let workspace: Workspace | undefined;
    try {
      // What the run needs from the database is read while its workspace is made.
      const reading = this.read();
      reading.catch(() => undefined); // awaited below; this only keeps an early throw from leaving it unhandled
      workspace = Workspace.create(path.join(this.deps.config.dataDir, 'workspaces'), this.execution.id);
      const data = await reading;
      this.confine(workspace, data.account?.sandboxId ?? null);
      const prepared = await this.prepare(workspace, data);
      this.step('prepared');
      if (this.lost) return;
      if (this.requested) return void (await this.finish(this.requested === 'kill' ? 'KILLED' : 'STOPPED', null));
      const running = await this.change((current) =>
        current.status === 'INITIALIZING'
          ? { status: 'RUNNING', set: { repositoryLog: prepared.repositoryLog, isVpnEstablished: prepared.isVpnEstablished } }
          : null,
      );
      if (!running || running.status !== 'RUNNING') return void (await this.finish('STOPPED', null));
      this.step('running');
      const exit = await this.execute(workspace, prepared);
      await this.writer.flush();
      await this.finish(exit.exitCode === 0 && !this.limitReason ? 'SUCCESS' : 'FAILURE', exit.exitCode, exit.signal);
    } catch (error) {
      if (this.lost) return;
      // Masked like output: an error's message may quote what it failed on (a variable, a URL).
      const reason = this.masker.text(
        error instanceof InitFailure || error instanceof UnusableKeyError || error instanceof CheckoutError
          ? error.message
          : `internal error while preparing the run: ${(error as Error).message}`,
      );
      if (!(error instanceof InitFailure || error instanceof UnusableKeyError || error instanceof CheckoutError)) {
        this.deps.logger.write('error', 'run failed', { executionId: this.execution.id, error: this.masker.text(String((error as Error).stack)) });
      }
      await this.writer.flush();
      await this.change((current) =>
        current.status === 'INITIALIZING'
          ? { status: 'INIT_FAILURE', set: { reason, isVpnEstablished: false }, records: [this.resultRecord(false, `INIT_FAILURE: ${reason}`)] }
          : this.terminalChange(current, 'FAILURE', { reason }),
      ).catch((e) => this.deps.logger.write('error', 'could not record the failure', { executionId: this.execution.id, error: e.message }));
    } finally {
      for (const timer of this.timers) clearTimeout(timer);
      if (this.process) this.process.signal('SIGKILL');
      await this.agent?.stop().catch(() => undefined);
      await this.sandbox?.release().catch(() => undefined);
      // Its end revoked it already; not so when the lease was lost or the end could not be stored.
      if (this.tokenHash) await this.deps.tokens.revokeRunToken(this.tokenHash, new Date()).catch(() => undefined);
      if (workspace) {
        if (!this.lost) await this.rememberHostKeys(workspace);
        workspace.remove();
      }
    }
  }

  /**
   * Host keys first seen by this run become the account's known hosts: only lines as ssh writes them
   * on first contact with a host the run was sent to (linesToRemember), since the run's own code
   * could write that file too (a `@cert-authority *` line would vouch for every host of later runs).
   */
  private async rememberHostKeys(workspace: Workspace): Promise<void> {
    try {
      const lines = linesToRemember(workspace.readKnownHosts(), this.hostKeys.known, this.hostKeys.targets);
      await this.deps.knownHosts.remember(this.execution.accountId, lines);
    } catch {
      // The database is unreachable, or the workspace was swept already (the run had ended): the
      // keys are learnt again on the next run.
    }
  }

  /** Stop after the current task; killed after the grace period. */
  requestStop(graceSeconds: number | null): void {
    if (this.requested) return;
    this.requested = 'stop';
    if (!this.process) return;
    this.process.signal('SIGINT');
    const grace = graceSeconds ?? KILL_AFTER_STOP_DEFAULT_SECONDS;
    this.timers.push(setTimeout(() => this.process?.signal('SIGKILL'), grace * 1000));
  }

  requestKill(): void {
    if (this.requested === 'kill') return;
    this.requested = 'kill';
    this.process?.signal('SIGKILL');
  }

  /** Another owner may have the run now: stop everything and write nothing more. */
  leaseLost(why: string): void {
    if (this.lost) return;
    this.lost = true;
    this.deps.logger.write('warn', 'lease lost; abandoning the run', { executionId: this.execution.id, why });
    this.process?.signal('SIGKILL');
  }

  // ---- preparation (INITIALIZING) ---------------------------------------------------------

  private async read(): Promise<{ job: Job | null; knownLines: string[]; vpnConnections: VpnConnection[]; account: Pick<Account, 'alias' | 'sandboxId'> | null }> {
    const [job, knownLines, vpnConnections, account] = await Promise.all([
      this.deps.jobs.findById(this.execution.jobId),
      this.deps.knownHosts.lines(this.execution.accountId),
      this.deps.vpn.all(this.execution.accountId),
      this.deps.accounts.runIdentity(this.execution.accountId),
    ]);
    return { job, knownLines, vpnConnections, account };
  }

  /** The run's sandbox (README "Run sandbox"): its uid owns the workspace from here on. */
  private confine(workspace: Workspace, sandboxId: number | null): void {
    if (!this.deps.sandbox.enabled) return;
    if (sandboxId === null) throw new InitFailure('the account was deleted');
    this.sandbox = this.deps.sandbox.forRun(workspace.dir, sandboxId);
    if (this.sandbox.uid !== null) workspace.ownBy(this.sandbox.uid);
  }

  private async prepare(
    workspace: Workspace,
    { job, knownLines, vpnConnections, account }: Awaited<ReturnType<ExecutionRun['read']>>,
  ): Promise<{ args: string[]; repositoryLog: RepositoryLog | null; ttlMinutes: number; isVpnEstablished: boolean; callBack: NodeJS.ProcessEnv }> {
    if (!job) throw new InitFailure('the job was deleted');
    const jobSecrets: JobSecrets = job.sealedSecrets ? this.deps.box.openJson(job.sealedSecrets, sealed.job(job)) : {};
    const runSecrets: ExecutionSecrets = this.execution.sealedSecrets ? this.deps.box.openJson(this.execution.sealedSecrets, sealed.execution(this.execution)) : {};
    const decode = (b64?: string): string | undefined => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);
    const keypairKey = await this.keypairKey(job);
    const secrets = [
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
    ];
    this.setMasker(secrets);

    const keys: [string | undefined, string][] = [
      [runSecrets.sshPrivateKey, 'given at start'],
      [jobSecrets.sshPrivateKey, 'of the job'],
      ...Object.entries(runSecrets.hostKeys ?? {}).map(([h, k]) => [k, `for host ${h} given at start`] as [string, string]),
      ...Object.entries(jobSecrets.hostKeys ?? {}).map(([h, k]) => [k, `for host ${h}`] as [string, string]),
      [jobSecrets.repositoryCredentials?.sshPrivateKey, 'of the repository credentials'],
      [keypairKey && Buffer.from(keypairKey).toString('base64'), `of key pair ${job.definition.keyPairAlias}`],
    ];
    for (const [key, label] of keys) if (key) await this.addKey(workspace, key, label);
    this.step('keys');

    workspace.writeKnownHosts(knownLines);
    this.hostKeys.known = knownLines;
    for (const connection of vpnConnections) this.hostKeys.targets.add(connection.gatewayHost);
    // A job stored before RUNNER_MAX_FORKS was lowered runs with the limit.
    workspace.writeAnsibleConfig({ forks: job.definition.forks && Math.min(job.definition.forks, this.deps.config.maxForks) });
    const env = runEnvironment(workspace, this.agent?.socket);
    let playbook: string;
    let repositoryLog: RepositoryLog | null = null;
    if (job.definition.repository) {
      const repo = job.definition.repository;
      const target = workspace.path('repo');
      const checkout = await checkoutRepository({
        source: { url: repo.url, branch: repo.branch, credentials: jobSecrets.repositoryCredentials },
        mirrorsDir: path.join(this.deps.config.dataDir, 'git-mirrors', this.execution.accountId),
        target,
        env,
        sshCommand: `ssh ${workspace.sshOptions()}`,
      });
      repositoryLog = { recent_commit: [checkout.commit], tags: checkout.tags };
      this.hostKeys.targets.add(repositoryHost(repo.url));
      workspace.adopt('repo');
      playbook = path.resolve(target, repo.defaultPlaybook);
      const real = fs.existsSync(playbook) ? fs.realpathSync(playbook) : null;
      if (!real || !fs.statSync(real).isFile()) throw new InitFailure(`playbook ${repo.defaultPlaybook} does not exist in ${repo.url}`);
      if (!real.startsWith(fs.realpathSync(target) + path.sep)) throw new InitFailure(`playbook ${repo.defaultPlaybook} points outside the repository`);
      this.checkYaml(playbook, repo.defaultPlaybook);
    } else {
      // Checked by the api when the job was stored (job-validation.ts).
      playbook = workspace.write('playbook.yml', Buffer.from(job.definition.playbook ?? '', 'base64').toString('utf8'));
    }

    this.vault = await RunVault.prepare(workspace, jobSecrets.vaultPasswords, job.definition.repository ? workspace.path('repo') : playbook);
    for (const note of this.vault.notes) this.deps.logger.write('warn', `vault: ${note}`, { executionId: this.execution.id });
    secrets.push(...this.vault.secrets);
    this.setMasker(secrets);

    const inventory = await this.inventory(job, jobSecrets);
    // Registered servers' secret hostVars are known only now: mask them too, from here on.
    secrets.push(...inventory.secrets);
    if (inventory.secrets.length) this.setMasker(secrets);
    // VPN connections (vpn-gateways.ts): gateways the hosts need are verified now, their keys go
    // into this run's ssh-agent (so a run that needs a gateway needs the agent too).
    const vpn = await this.vpn(workspace, vpnConnections, inventory.hosts);
    if (vpn.keys.length) this.setMasker([...secrets, ...vpn.keys.map((k) => k.privateKey)]);
    for (const key of vpn.keys) await this.addKey(workspace, Buffer.from(key.privateKey).toString('base64'), key.label);
    const extraVars = {
      ...withSecrets({ ...job.definition.properties, ...job.definition.secretProperties }, jobSecrets.properties),
      ...withSecrets(this.execution.request.properties, runSecrets.properties),
    };
    for (const host of vpn.hosts) {
      const address = extraVars.ansible_host ?? host.hostVars?.ansible_host ?? host.id;
      if (typeof address === 'string') this.hostKeys.targets.add(address);
    }
    const selection = this.selection();
    workspace.writeInventory(vpn.hosts, selection ? { ...inventory.groups, [SELECTED_GROUP]: selection } : inventory.groups);
    workspace.writeExtraVars(extraVars);
    const args = playbookArguments(workspace, {
      playbook,
      tags: job.definition.repository?.playbookTags ?? job.definition.playbookTags,
      limit: runLimit(job.definition.limit, selection ? SELECTED_GROUP : undefined),
      verbosity: job.definition.verbosity,
      checkMode: job.definition.checkMode,
      vaultIds: this.vault.args,
    });
    const ttlMinutes = job.definition.executionTtl ?? 180;
    return { args, repositoryLog, ttlMinutes, isVpnEstablished: vpn.keys.length > 0, callBack: await this.callBack(ttlMinutes, account?.alias) };
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
    const lifetimeSeconds = ttlMinutes * 60 + KILL_AFTER_STOP_DEFAULT_SECONDS + RUN_TOKEN_MARGIN_SECONDS;
    this.tokenHash = bearerTokenHash(token);
    this.setMasker([...this.secrets, token]);
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

  private setMasker(secrets: (string | undefined)[]): void {
    this.secrets = secrets;
    this.masker = new SecretMasker(secrets);
    this.transcript = this.masker.lines();
  }

  /** Serves a key (base64 of its text) through the run's ssh-agent, started with the first key. */
  private async addKey(workspace: Workspace, base64Key: string, label: string): Promise<void> {
    this.agent ??= await SshAgent.start(workspace, this.sandbox);
    await this.agent.add(base64Key, label);
  }

  /** Routes hosts through VPN gateways; hosts a start request or restart leaves out need none. */
  private vpn(
    workspace: Workspace,
    connections: VpnConnection[],
    hosts: { id: string; hostVars?: Record<string, unknown> }[],
  ): ReturnType<typeof prepareVpn> {
    const selection = this.selection();
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

  /**
   * The job's hosts, plus with `useDynamicInventory` every registered server of the account, in a
   * group named after its group and one after its locationId (non-word characters become "_").
   * A job host with the same name as a server wins. `secrets` are the servers' secret hostVars
   * put back in place, for the masker.
   */
  private async inventory(
    job: Job,
    jobSecrets: JobSecrets,
  ): Promise<{ hosts: { id: string; hostVars?: Record<string, unknown> }[]; groups: Record<string, string[]>; secrets: string[] }> {
    const hosts = job.definition.hosts.map((host) => (host.hostVars ? { ...host, hostVars: withSecrets(host.hostVars, jobSecrets.hostVars?.[host.id]) } : host));
    const groups: Record<string, string[]> = {};
    const secrets: string[] = [];
    if (!job.definition.useDynamicInventory) return { hosts, groups, secrets };
    const named = new Set(hosts.map((h) => h.id));
    const groupName = (name: string): string => name.replace(/\W/g, '_');
    for (const server of await this.deps.servers.all(job.accountId)) {
      if (named.has(server.name)) continue;
      const hostVars = openServerHostVars(this.deps.box, server);
      secrets.push(...Object.values(hostVars.secrets));
      hosts.push({
        id: server.name,
        hostVars: { ...withSecrets(hostVars.shown, hostVars.secrets), ansible_host: server.ipAddress, ansible_port: server.port, ansible_user: server.username },
      });
      for (const group of [server.group, server.locationId].filter((g): g is string => !!g)) {
        (groups[groupName(group)] ??= []).push(server.name);
      }
    }
    return { hosts, groups, secrets };
  }

  private checkYaml(file: string, label: string): void {
    try {
      parse(fs.readFileSync(file, 'utf8'), { maxAliasCount: 1000 });
    } catch (error) {
      throw new InitFailure(`${label} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /**
   * The hosts a start request and, on a restart, the failed hosts select (both: the hosts in each),
   * or null when the run is not narrowed. They become a group of the inventory that the --limit
   * intersects with, so a selection only ever narrows the job's own limit.
   */
  private selection(): string[] | null {
    const subsets = [this.execution.request.hosts, this.execution.onlyHosts].filter((s): s is string[] => !!s?.length);
    if (!subsets.length) return null;
    return subsets[0].filter((id) => subsets.every((subset) => subset.includes(id)));
  }

  // ---- running (RUNNING) ------------------------------------------------------------------

  private async execute(
    workspace: Workspace,
    prepared: { args: string[]; ttlMinutes: number; callBack: NodeJS.ProcessEnv },
  ): Promise<{ exitCode: number | null; signal: string | null }> {
    // A run's lines are cut at RUNNER_MAX_LINE_KB (its events at 8 times that): the worker holds
    // a partial line in memory, outside the run's own memory limit.
    const output = new LineSplitter(this.deps.config.maxLineKb * 1024);
    const events = new LineSplitter(this.deps.config.maxLineKb * 8 * 1024);
    const argv = [this.deps.config.ansiblePlaybook, ...prepared.args];
    this.process = this.deps.launcher.spawn({
      command: this.sandbox ? this.sandbox.wrap(argv) : { argv },
      cwd: workspace.dir,
      env: { ...runEnvironment(workspace, this.agent?.socket), ...prepared.callBack },
      onOutput: (chunk) => output.push(chunk).forEach((line) => this.output(line)),
      onEvents: (chunk) => events.push(chunk).forEach((line) => this.onEvent(line)),
    });
    this.step('spawned');
    this.deps.logger.write('debug', 'ansible-playbook started', { executionId: this.execution.id, pid: this.process.pid, launchMs: this.launchSteps });
    // A stop or kill that arrived while preparing applies now.
    if (this.requested === 'kill') this.process.signal('SIGKILL');
    else if (this.requested === 'stop') this.process.signal('SIGINT');
    const ttlMinutes = prepared.ttlMinutes;
    this.timers.push(setTimeout(() => void this.ttlExpired(ttlMinutes), ttlMinutes * 60_000));
    if (this.sandbox) this.timers.push(setInterval(() => this.checkLimits(), LIMIT_CHECK_MS));
    const exit = await this.process.exited;
    this.checkLimits();
    this.deps.logger.write('debug', 'ansible-playbook ended', { executionId: this.execution.id, ...exit });
    output.flush().forEach((line) => this.output(line));
    events.flush().forEach((line) => this.onEvent(line));
    return exit;
  }

  /** A run that reached a limit of its sandbox (a fork bomb, a memory hog) is ended, with that reason. */
  private checkLimits(): void {
    if (this.limitReason) return;
    const reason = this.sandbox?.limitReached();
    if (!reason) return;
    this.limitReason = reason;
    this.process?.signal('SIGKILL');
  }

  private step(name: string): void {
    this.launchSteps[name] = Math.round((performance.now() - this.claimedAt) * 10) / 10;
  }

  private output(line: string): void {
    const masked = this.transcript.line(line);
    if (!this.fatalError && /^\s*(\[ERROR\]:|ERROR!)/.test(masked)) this.fatalError = masked.trim();
    this.writer.output(masked);
  }

  private onEvent(line: string): void {
    const parsed = parseEventLine(line);
    if (!parsed) {
      const bytes = cutLineBytes(line);
      if (bytes !== null) this.output(`[automation-runner] an Ansible event of ${bytes} bytes was left out: over ${this.deps.config.maxLineKb * 8} KiB (8 × RUNNER_MAX_LINE_KB)`);
      return;
    }
    // Masked before anything reads it: failure reasons are built from these messages.
    const event = this.masker.deep(parsed);
    if (event.event === 'playbook_on_stats') {
      this.stats = summarizeStats(event);
      this.artifacts = runArtifacts(event, this.deps.config.maxArtifactsKb) ?? this.artifacts;
    }
    if ((event.failed && !event.event_data?.ignore_errors) || event.event === 'runner_on_unreachable') this.noteFailure(event);
    this.writer.record(this.toRecord(event), line.length);
  }

  private noteFailure(event: AnsibleEvent): void {
    if (!event.host) return;
    const message = event.message ?? '';
    const hostKey = /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(message + (event.stdout ?? ''));
    this.failures.set(
      event.host,
      hostKey
        ? `the SSH host key of ${event.host} differs from the one first seen for this account; refusing to connect`
        : event.event === 'runner_on_unreachable'
          ? `${event.host} unreachable: ${message}`
          : `${event.host} failed at task '${event.task ?? '?'}': ${message}`,
    );
  }

  private toRecord(event: AnsibleEvent): NewStatusRecord {
    const timestamp = new Date(event.timestamp);
    return {
      timestamp: Number.isNaN(timestamp.getTime()) ? new Date() : timestamp,
      uuid: event.uuid,
      parentUuid: event.parent_uuid,
      eventType: event.event,
      host: event.host,
      play: event.play,
      task: event.task,
      failed: event.failed,
      changed: event.changed,
      message: event.message,
      stdout: event.stdout,
      eventData: event.event_data,
    };
  }

  private async ttlExpired(minutes: number): Promise<void> {
    const reason = `the execution exceeded its executionTtl of ${minutes} minute(s)`;
    const changed = await this.change((current) =>
      current.status === 'RUNNING' ? { status: 'STOPPING', set: { reason, stopGraceSeconds: KILL_AFTER_STOP_DEFAULT_SECONDS } } : null,
    ).catch(() => null);
    if (changed?.status === 'STOPPING') this.requestStop(KILL_AFTER_STOP_DEFAULT_SECONDS);
  }

  // ---- finishing ------------------------------------------------------------------------------

  private async finish(natural: ExecutionStatus, exitCode: number | null, signal?: string | null): Promise<void> {
    if (this.lost) return;
    const failedHosts = this.stats?.failedHosts ?? [];
    const reason =
      natural === 'FAILURE'
        ? this.limitReason ||
          this.vault?.explain([...this.failures.values()].join('; ') || this.fatalError || '') ||
          (signal ? `ansible-playbook ended by ${signal}` : `ansible-playbook exited with code ${exitCode}`)
        : null;
    await this.change((current) => this.terminalChange(current, natural, { exitCode, reason, failedHosts }));
  }

  /** The final status follows a stop or kill that was requested, whatever Ansible's exit said. */
  private terminalChange(
    current: Execution,
    natural: ExecutionStatus,
    result: { exitCode?: number | null; reason?: string | null; failedHosts?: string[] },
  ): ExecutionChange {
    const status: ExecutionStatus =
      current.status === 'KILLING' ? 'KILLED' : current.status === 'STOPPING' ? 'STOPPED' : natural;
    // A restart runs only the failed hosts: keep the others' summaries from the earlier run.
    const hostSummaries = { ...current.hostSummaries, ...(this.stats?.hostSummaries ?? {}) };
    const failedHosts = this.stats
      ? Object.entries(hostSummaries).filter(([, s]) => (s as HostSummary).failures > 0 || (s as HostSummary).unreachable > 0).map(([h]) => h).sort()
      : (result.failedHosts ?? current.failedHosts);
    const reason = current.reason ?? (status === natural ? (result.reason ?? null) : status === 'KILLED' ? 'killed on request' : 'stopped on request');
    const message = status === 'SUCCESS' ? 'SUCCESS' : `${status}: ${reason ?? 'see the failed hosts'}`;
    return {
      status,
      set: { exitCode: result.exitCode ?? null, reason: status === 'SUCCESS' ? null : reason, hostSummaries, failedHosts, ...(this.artifacts ? { artifacts: this.artifacts } : {}) },
      records: [this.resultRecord(status === 'SUCCESS', message, { status, failed_hosts: failedHosts, exit_code: result.exitCode ?? null })],
    };
  }

  private resultRecord(success: boolean, message: string, data: Record<string, unknown> = {}): NewStatusRecord {
    return {
      timestamp: new Date(),
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

  /** A fenced status change; waits out a database outage (a run that finished during one still ends right). */
  private change(decide: (current: Execution) => ExecutionChange | null): Promise<Execution | null> {
    return rideOutOutage(() => this.deps.executions.change(this.execution.id, this.execution.attempt, decide), this.deps.config.dbOutageSeconds).then((result) => {
      if (result === null) this.leaseLost('the execution row is gone or owned by a newer attempt');
      return result;
    });
  }
}
