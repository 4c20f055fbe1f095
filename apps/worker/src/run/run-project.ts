import * as path from 'node:path';
import { cachedEntry, installCommands, installerEnvironment, installerMessage, keepInstalled, repositoryInventories, RequirementsError, RequirementsPlan, requirementsPlan, runGuarded, RunSandbox, writeProjectConfig, writeSelectionInventory, Workspace } from '@app/ansible';
import { RunnerConfig } from '@app/config';
import { PlaybookLauncher, PlaybookProcess } from '@app/process';

/** The most an installation of requirements may take. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * What a run takes from its repository besides the playbook (README "Playbook projects"): its
 * ansible.cfg merged under the service's, its inventories, its requirements (installed by the run's
 * uid in its sandbox, cached per account and per requirement files).
 *
 * Two steps, in this order in ExecutionRun.prepare: `prepare` reads and writes as the worker, right
 * after the checkout; `install` runs the installer, after the worker's last write into the
 * workspace, since the installer's uid owns the workspace and could leave links there for the
 * worker to write through.
 */
export class RunProject {
  private constructor(
    private readonly config: RunnerConfig,
    private readonly workspace: Workspace,
    private readonly repository: { dir: string; url: string; credentials?: { username?: string; password?: string } },
    private readonly plan: RequirementsPlan | null,
    /** The inventories the job names in its repository, as real paths. */
    readonly inventories: string[],
  ) {}

  static prepare(
    config: RunnerConfig,
    workspace: Workspace,
    options: { dir: string; url: string; credentials?: { username?: string; password?: string }; accountId: string; forks?: number; inventory?: string[] },
  ): RunProject {
    const plan = requirementsPlan(options.dir, { cacheDir: path.join(config.dataDir, 'requirements-cache', options.accountId), galaxyUrl: config.galaxyUrl });
    writeProjectConfig(workspace, { repository: options.dir, forks: options.forks, maxForks: config.maxForks, requirements: plan?.entry });
    return new RunProject(config, workspace, options, plan, repositoryInventories(options.dir, options.inventory ?? []));
  }

  /**
   * `-i` arguments: the repository's inventories, then the workspace's (the job's hosts, whose
   * variables win for a host in both), then, for a start request's selection, a source that only
   * groups hosts the others have (writeSelectionInventory). Undefined without repository inventories.
   */
  inventoryArguments(selection: string[] | null, group: string): string[] | undefined {
    if (!this.inventories.length) return undefined;
    const own = this.workspace.path('inventory.yml');
    return [...this.inventories, own, ...(selection ? [writeSelectionInventory(this.workspace, group, selection)] : [])];
  }

  /**
   * The requirements, from the account's cache or installed now (then cached), shown to the run
   * read-only. Says which in the run's output. A failed installation throws RequirementsError with
   * the installer's own last words (`mask`ed). `onSpawn` gets each installer process, for a stop or
   * kill to reach it as it would ansible-playbook.
   */
  async install(run: {
    launcher: Pick<PlaybookLauncher, 'spawn'>;
    sandbox: RunSandbox | undefined;
    sshCommand: string;
    env: NodeJS.ProcessEnv;
    output: (line: string) => void;
    mask: (text: string) => string;
    onSpawn: (process: PlaybookProcess) => void;
  }): Promise<void> {
    const { sandbox, output, mask } = run;
    const plan = this.plan;
    if (!plan) return;
    const label = plan.hash.slice(0, 12);
    const cached = cachedEntry(plan);
    if (cached) {
      output(`requirements: cached (${label}), nothing installed`);
      sandbox?.showReadOnly(cached);
      return;
    }
    output(`requirements: installing ${plan.files.map((f) => path.relative(this.repository.dir, f.path)).join(', ')} (${label})`);
    const staging = this.workspace.mkdir('requirements');
    const installerEnv = installerEnvironment(run.env, {
      config: this.workspace.write('galaxy.cfg', '[defaults]\n'),
      galaxyUrl: this.config.galaxyUrl,
      repositoryUrl: this.repository.url,
      credentials: this.repository.credentials,
      sshCommand: run.sshCommand,
    });
    for (const { file, argv } of installCommands(galaxyCommand(this.config.ansiblePlaybook), plan, staging)) {
      const command = sandbox ? sandbox.wrap(argv) : { argv };
      const result = await runGuarded(run.launcher, { command, cwd: this.workspace.dir, env: installerEnv, timeoutMs: INSTALL_TIMEOUT_MS, onSpawn: run.onSpawn });
      const text = mask(result.output);
      for (const line of text.split('\n').filter((l) => l.trim())) output(line);
      if (result.exitCode !== 0) {
        const why = result.timedOut ? `it took over ${INSTALL_TIMEOUT_MS / 60_000} minutes` : installerMessage(text);
        throw new RequirementsError(`the requirements of ${path.relative(this.repository.dir, file)} could not be installed: ${why}`);
      }
    }
    const entry = keepInstalled(staging, plan);
    sandbox?.showReadOnly(entry);
    output(`requirements: installed (${label}), cached for the account's next runs`);
  }
}

/** ansible-galaxy beside the configured ansible-playbook (RUNNER_ANSIBLE_PLAYBOOK), or on PATH. */
function galaxyCommand(ansiblePlaybook: string): string {
  return ansiblePlaybook.includes('/') ? path.join(path.dirname(ansiblePlaybook), 'ansible-galaxy') : 'ansible-galaxy';
}
