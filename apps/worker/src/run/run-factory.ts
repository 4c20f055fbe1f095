import { Inject, Injectable } from '@nestjs/common';
import { RunWorkspaces, Sandbox } from '@app/ansible';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import {
  AccountRepository,
  AuthTokenRepository,
  Execution,
  ExecutionWriter,
  JobRepository,
  KeypairRepository,
  KnownHostRepository,
  RecordLog,
  ServerRepository,
  VpnConnectionRepository,
} from '@app/database';
import { Clock } from '@app/domain';
import { SecretBox } from '@app/keys';
import { ExecutionRun, RunDependencies } from './execution-run';
import { PlaybookLauncher } from '@app/process';

/** The repositories a run reads while it prepares (and the two it writes: known hosts, its token). */
@Injectable()
export class RunRepositories {
  constructor(
    readonly accounts: AccountRepository,
    readonly jobs: JobRepository,
    readonly knownHosts: KnownHostRepository,
    readonly keypairs: KeypairRepository,
    readonly servers: ServerRepository,
    readonly vpn: VpnConnectionRepository,
    readonly tokens: AuthTokenRepository,
  ) {}
}

/** What a run writes: its status changes (fenced by its attempt) and its records and transcript. */
@Injectable()
export class RunWrites {
  constructor(
    readonly writer: ExecutionWriter,
    readonly log: RecordLog,
  ) {}
}

/**
 * Builds the run of each claimed execution, and owns what every run of this worker shares: the
 * process launcher (the warm run guard) and the sandbox.
 */
@Injectable()
export class RunFactory {
  readonly launcher = new PlaybookLauncher();
  readonly sandbox: Sandbox;
  private readonly deps: RunDependencies;

  constructor(
    @Inject(CONFIG) config: RunnerConfig,
    @Inject(JsonLogger) logger: JsonLogger,
    box: SecretBox,
    repositories: RunRepositories,
    { writer, log }: RunWrites,
    private readonly workspaces: RunWorkspaces,
    clock: Clock,
  ) {
    this.sandbox = new Sandbox(config.sandbox);
    const { accounts, jobs, knownHosts, keypairs, servers, vpn, tokens } = repositories;
    const shared = { launcher: this.launcher, sandbox: this.sandbox, workspaces, clock };
    this.deps = { config, logger, writer, log, box, accounts, jobs, knownHosts, keypairs, servers, vpn, tokens, ...shared };
  }

  create(execution: Execution): ExecutionRun {
    return new ExecutionRun(this.deps, execution);
  }

  /** Runs a sandbox as a run would, so that a worker that cannot confine runs says so at start. */
  probeSandbox(): Promise<void> {
    return this.sandbox.probe(this.launcher, this.workspaces.base);
  }
}
