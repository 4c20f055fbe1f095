import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { Sandbox } from '@app/ansible';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import {
  AccountRepository,
  AuthTokenRepository,
  Execution,
  ExecutionRepository,
  JobRepository,
  KeypairRepository,
  KnownHostRepository,
  ServerRepository,
  VpnConnectionRepository,
} from '@app/database';
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
    executions: ExecutionRepository,
    box: SecretBox,
    repositories: RunRepositories,
  ) {
    this.sandbox = new Sandbox(config.sandbox);
    const { accounts, jobs, knownHosts, keypairs, servers, vpn, tokens } = repositories;
    this.deps = { config, logger, executions, box, accounts, jobs, knownHosts, keypairs, servers, vpn, tokens, launcher: this.launcher, sandbox: this.sandbox };
  }

  create(execution: Execution): ExecutionRun {
    return new ExecutionRun(this.deps, execution);
  }

  /** Runs a sandbox as a run would, so that a worker that cannot confine runs says so at start. */
  probeSandbox(): Promise<void> {
    return this.sandbox.probe(this.launcher, path.join(this.deps.config.dataDir, 'workspaces'));
  }
}
