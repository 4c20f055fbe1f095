import * as fs from 'node:fs';
import type { Workspace } from '../workspace';
import { ProjectError, repositoryPath } from './repository-paths';

/**
 * The inventory files or folders a job names in its repository (`repository.inventory`), as real
 * paths inside the checkout (checked again here: the api checked the names, not where links lead).
 * Ansible reads group_vars/ and host_vars/ beside each, as it does on its own.
 */
export function repositoryInventories(repository: string, entries: string[]): string[] {
  return entries.map((entry) => {
    const real = repositoryPath(repository, entry, 'inventory');
    if (real === null) throw new ProjectError(`inventory ${entry} does not exist in the repository`);
    const stat = fs.statSync(real);
    if (!stat.isFile() && !stat.isDirectory()) throw new ProjectError(`inventory ${entry} is neither a file nor a folder`);
    return real;
  });
}

/**
 * An inventory source that puts the `selected` hosts into `group`, but only those some other
 * source of the run already has: Ansible's constructed plugin makes groups of existing hosts and
 * never adds one. With a repository's inventory the api cannot know the hosts a start request may
 * name, so the request's hosts must not become hosts of their own: they only narrow. Read last.
 */
export function writeSelectionInventory(workspace: Workspace, group: string, selected: string[]): string {
  const source = {
    plugin: 'ansible.builtin.constructed',
    strict: true,
    groups: { [group]: `inventory_hostname in ${JSON.stringify(selected)}` },
  };
  return workspace.write('selected-hosts.yml', JSON.stringify(source, null, 1));
}
