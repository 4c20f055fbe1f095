import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ProjectError, readRepositoryFile } from './repository-paths';

/** Where Ansible projects list what they need (AWX reads the same three). */
export const REQUIREMENT_FILES = ['roles/requirements.yml', 'collections/requirements.yml', 'requirements.yml'] as const;

/** An installation of requirements failed: INIT_FAILURE with the installer's words. */
export class RequirementsError extends ProjectError {}

export interface RequirementFile {
  /** Its absolute path in the checkout. */
  path: string;
  /** Which of its sections list something. */
  roles: boolean;
  collections: boolean;
}

export interface RequirementsPlan {
  /** The requirement files that list something. */
  files: RequirementFile[];
  /** sha256 of the files' names and contents and the Galaxy server: the cache entry's name. */
  hash: string;
  /** The cache entry: complete once it exists (filled elsewhere, then renamed into place). */
  entry: string;
}

/** The repository's requirements (null: none listed), and where their installation is cached for the account. */
export function requirementsPlan(repository: string, options: { cacheDir: string; galaxyUrl?: string }): RequirementsPlan | null {
  const hash = createHash('sha256').update(`galaxy ${options.galaxyUrl ?? ''}\0`);
  const files: RequirementFile[] = [];
  for (const relative of REQUIREMENT_FILES) {
    const text = readRepositoryFile(repository, relative, 'requirements file');
    const sections = text === null ? null : listed(text, relative);
    if (!sections || !(sections.roles || sections.collections)) continue;
    files.push({ path: path.join(repository, relative), ...sections });
    hash.update(`${relative}\0${text}\0`);
  }
  if (!files.length) return null;
  const digest = hash.digest('hex');
  return { files, hash: digest, entry: path.join(options.cacheDir, digest) };
}

/**
 * What a requirements file lists: a plain list is roles (the older format), a mapping has `roles:`
 * and `collections:` sections. ansible-galaxy refuses a file with nothing in it: an empty one is none.
 */
function listed(text: string, relative: string): { roles: boolean; collections: boolean } {
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 1000 });
  } catch (error) {
    throw new ProjectError(`${relative} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (Array.isArray(document)) return { roles: document.length > 0, collections: false };
  const sections = (document && typeof document === 'object' ? document : {}) as Record<string, unknown>;
  const lists = (key: string): boolean => Array.isArray(sections[key]) && (sections[key] as unknown[]).length > 0;
  return { roles: lists('roles'), collections: lists('collections') };
}

/**
 * The installer's commands: roles into `target`/roles, collections into `target`/collections
 * (ansible-galaxy ignores a file's collections when given a roles path, hence one command a kind).
 */
export function installCommands(galaxy: string, plan: RequirementsPlan, target: string): { file: string; argv: string[] }[] {
  return plan.files.flatMap((file) => [
    ...(file.roles ? [{ file: file.path, argv: [galaxy, 'role', 'install', '--role-file', file.path, '--roles-path', path.join(target, 'roles')] }] : []),
    ...(file.collections ? [{ file: file.path, argv: [galaxy, 'collection', 'install', '--requirements-file', file.path, '--collections-path', path.join(target, 'collections')] }] : []),
  ]);
}

/**
 * The installer's environment over the run's base one: its own empty config (not the repository's:
 * the cache entry depends on the requirement files and the Galaxy server alone), the Galaxy server
 * setting, git with the network protocols only, and the job's repository credentials as an HTTP
 * header git sends to the repository's own scheme, host and port only (never argv, never a URL).
 */
export function installerEnvironment(
  base: NodeJS.ProcessEnv,
  options: { config: string; galaxyUrl?: string; repositoryUrl: string; credentials?: { username?: string; password?: string }; sshCommand: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    ANSIBLE_CONFIG: options.config,
    ...(options.galaxyUrl ? { ANSIBLE_GALAXY_SERVER: options.galaxyUrl } : {}),
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: options.sshCommand,
    GIT_ASKPASS: 'true',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const origin = httpOrigin(options.repositoryUrl);
  const { username, password } = options.credentials ?? {};
  if (origin && (username || password)) {
    const basic = Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

/** scheme://host[:port] of an http(s) URL, else undefined. */
function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts a finished installation (`staging`, written by the installer's uid) in the cache as
 * `plan.entry`, atomically: a rename, so an entry exists only complete. If a concurrent run of the
 * account got there first, its entry is as good: ours is dropped. The staging folder must be a
 * folder, not a link the installer left in its place (the worker renaming it may be root).
 * Returns the entry.
 */
export function keepInstalled(staging: string, plan: RequirementsPlan): string {
  const stat = fs.lstatSync(staging);
  if (!stat.isDirectory()) throw new RequirementsError('the requirements installer left no folder behind');
  fs.mkdirSync(path.dirname(plan.entry), { recursive: true, mode: 0o700 });
  try {
    fs.renameSync(staging, plan.entry);
    return plan.entry;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.lstatSync(plan.entry).isDirectory()) {
      return plan.entry; // ours goes with the workspace

    }
    if (code === 'EXDEV') throw new RequirementsError('the requirements cache is on another file system than the workspaces (both belong in RUNNER_DATA_DIR)');
    throw error;
  }
}

/** The cached entry when complete (a folder; never a link), else null. */
export function cachedEntry(plan: RequirementsPlan): string | null {
  return fs.lstatSync(plan.entry, { throwIfNoEntry: false })?.isDirectory() ? plan.entry : null;
}

/** The installer's output from its first warning or error (what says why), at most `max` characters. */
export function installerMessage(output: string, max = 2000): string {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const first = lines.findIndex((l) => /\[WARNING\]|ERROR|error:|fatal:/.test(l));
  const text = (first >= 0 ? lines.slice(first) : lines).slice(-10).join('\n');
  return text.length > max ? `…${text.slice(-max)}` : text || 'no output';
}
