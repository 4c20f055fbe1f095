import * as path from 'node:path';
import type { Workspace } from '../workspace';
import { iniValue, parseIni } from './ansible-config';
import { ProjectError, readRepositoryFile } from './repository-paths';

/** Ansible's own roles path (ansible-config: DEFAULT_ROLES_PATH), kept after the requirements' roles. */
const ANSIBLE_DEFAULT_ROLES_PATH = '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles';

/**
 * The run's ansible.cfg for a job from a repository (README "Playbook projects"): the repository's
 * own ansible.cfg, at its root (where AWX and a checkout's `ansible-playbook` read it), under the
 * service's settings, written at the repository's root so its relative paths keep their meaning.
 * Roles and collections installed from requirements (`requirements`, a cache entry) come before the
 * repository's own roles_path and collections_path. forks: the job's, else the repository's, at
 * most `maxForks`.
 */
export function writeProjectConfig(
  workspace: Workspace,
  options: { repository: string; forks?: number; maxForks: number; requirements?: string },
): void {
  const text = readRepositoryFile(options.repository, 'ansible.cfg', 'ansible.cfg', 256 * 1024);
  let sections: ReturnType<typeof parseIni>;
  try {
    sections = parseIni(text ?? '');
  } catch (error) {
    throw new ProjectError(`the repository's ${(error as Error).message}`);
  }
  const ownForks = Number.parseInt(iniValue(sections, 'defaults', 'forks') ?? '', 10);
  const forks = options.forks ?? (ownForks > 0 ? ownForks : undefined);
  const ownRoles = iniValue(sections, 'defaults', 'roles_path');
  const rolesPath = options.requirements ? `${path.join(options.requirements, 'roles')}:${ownRoles ?? ANSIBLE_DEFAULT_ROLES_PATH}` : undefined;
  // The environment's ANSIBLE_COLLECTIONS_PATH beats the file's, so the repository's own paths join it.
  const ownCollections = (iniValue(sections, 'defaults', 'collections_path') ?? iniValue(sections, 'defaults', 'collections_paths') ?? '')
    .split(/[:\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => (entry.startsWith('~') ? entry : path.resolve(options.repository, entry)));
  workspace.writeAnsibleConfig(
    { forks: forks && Math.min(forks, options.maxForks), rolesPath },
    { dir: options.repository, text, collections: [...(options.requirements ? [path.join(options.requirements, 'collections')] : []), ...ownCollections] },
  );
}
