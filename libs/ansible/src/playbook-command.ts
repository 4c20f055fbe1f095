import { Workspace } from './workspace';

/** The whole environment of a run: an allowlist, nothing inherited from the worker. */
export function runEnvironment(workspace: Workspace, agentSocket?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: workspace.path('home'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ANSIBLE_CONFIG: workspace.configFile,
    // The environment rather than ansible.cfg: it beats any collections_path a repository's ansible.cfg sets.
    ANSIBLE_COLLECTIONS_PATH: workspace.collectionsPath,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    PYTHONUNBUFFERED: '1',
    RUNNER_EVENT_FD: '3',
    ...(agentSocket ? { SSH_AUTH_SOCK: agentSocket } : {}),
  };
}

export interface PlaybookArgs {
  playbook: string;
  /** Every inventory, in order (`-i` each); the workspace's inventory.yml alone when absent. */
  inventories?: string[];
  tags?: string[];
  limit?: string;
  verbosity?: number;
  checkMode?: boolean;
  /** `--vault-id` arguments (RunVault): ids and the paths of password files, never a password. */
  vaultIds?: string[];
}

/** ansible-playbook's argument array: files by path, no secret ever. */
export function playbookArguments(workspace: Workspace, options: PlaybookArgs): string[] {
  const inventories = options.inventories ?? [workspace.path('inventory.yml')];
  const args = [...inventories.flatMap((inventory) => ['-i', inventory]), '--extra-vars', `@${workspace.path('extra-vars.yml')}`];
  if (options.tags?.length) args.push('--tags', options.tags.join(','));
  if (options.limit) args.push('--limit', options.limit);
  if (options.verbosity) args.push(`-${'v'.repeat(options.verbosity)}`);
  if (options.checkMode) args.push('--check');
  args.push(...(options.vaultIds ?? []));
  args.push(options.playbook);
  return args;
}
