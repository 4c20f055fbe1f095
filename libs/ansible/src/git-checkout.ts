import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryUrlProblem } from '@app/domain';
import { runCommand } from '@app/process';

export interface RepositorySource {
  url: string;
  branch?: string;
  credentials?: { username?: string; password?: string };
}

export interface CommitInfo {
  commit: string;
  author: string;
  author_email: string;
  date: number;
  message: string;
}

export class CheckoutError extends Error {}

/** One fetch at a time per mirror within this worker; git's own locks guard other processes. */
const mirrorLocks = new Map<string, Promise<unknown>>();

async function withMirrorLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = mirrorLocks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  mirrorLocks.set(key, next);
  try {
    return await next;
  } finally {
    if (mirrorLocks.get(key) === next) mirrorLocks.delete(key);
  }
}

/**
 * Checks a repository out into `target`: a local mirror per URL in `mirrorsDir` (the account's own
 * folder, so one tenant never gets what another's credentials fetched; a repeated run fetches only
 * what changed), then a shallow clone of the branch or tag from it. Only http(s) and ssh reach the
 * network (GIT_ALLOW_PROTOCOL), and the URL is checked again here (repository-url.ts): a row stored
 * before that rule must not make the worker, which runs git outside the sandbox, read local files. Credentials travel in git's
 * environment (an HTTP Authorization header), never in argv or a URL; an SSH key is served by the
 * run's ssh-agent through `sshCommand`.
 */
export async function checkoutRepository(options: {
  source: RepositorySource;
  mirrorsDir: string;
  target: string;
  env: NodeJS.ProcessEnv;
  sshCommand: string;
}): Promise<{ commit: CommitInfo; tags: string[] }> {
  const { source } = options;
  const problem = repositoryUrlProblem(source.url);
  if (problem) throw new CheckoutError(`the repository URL ${problem}`);
  const mirror = path.join(options.mirrorsDir, createHash('sha256').update(source.url).digest('hex').slice(0, 32));
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: options.sshCommand,
    GIT_ASKPASS: 'true',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh',
  };
  if (source.credentials?.username || source.credentials?.password) {
    const basic = Buffer.from(`${source.credentials.username ?? ''}:${source.credentials.password ?? ''}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  const git = async (args: string[], cwd?: string, protocols?: string): Promise<string> => {
    const result = await runCommand('git', args, { cwd, env: protocols ? { ...env, GIT_ALLOW_PROTOCOL: protocols } : env, timeoutMs: 600_000 });
    if (result.exitCode !== 0) {
      throw new CheckoutError(lastMeaningfulLine(result.stderr) || `git ${args[0]} failed with exit code ${result.exitCode}`);
    }
    return result.stdout;
  };

  fs.mkdirSync(options.mirrorsDir, { recursive: true, mode: 0o700 });
  await withMirrorLock(mirror, async () => {
    try {
      if (fs.existsSync(path.join(mirror, 'HEAD'))) {
        await git(['--git-dir', mirror, 'remote', 'set-url', 'origin', source.url]);
        await git(['--git-dir', mirror, 'fetch', '--prune', '--prune-tags', '--force', 'origin', '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
      } else {
        const temp = `${mirror}.${process.pid}.tmp`;
        fs.rmSync(temp, { recursive: true, force: true });
        await git(['clone', '--mirror', '--quiet', source.url, temp]);
        fs.renameSync(temp, mirror);
      }
    } catch (error) {
      throw new CheckoutError(`cannot fetch ${source.url}: ${(error as Error).message}`);
    }
  });

  const clone = ['clone', '--quiet', '--depth', '1', '--no-tags'];
  if (source.branch) clone.push('--branch', source.branch);
  try {
    // From our own mirror: the one clone that may use file://.
    await git([...clone, `file://${mirror}`, options.target], undefined, 'file');
  } catch (error) {
    const what = source.branch ? `branch or tag ${source.branch}` : 'the default branch';
    throw new CheckoutError(`cannot check out ${what} of ${source.url}: ${(error as Error).message}`);
  }
  const [sha, author, email, date, message] = (await git(['log', '-1', '--format=%H%x1f%an%x1f%ae%x1f%ct%x1f%s'], options.target)).split('\x1f');
  const tags = (await git(['--git-dir', mirror, 'tag', '--points-at', sha])).split('\n').filter(Boolean);
  return { commit: { commit: sha, author, author_email: email, date: Number(date) * 1000, message }, tags };
}

function lastMeaningfulLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('fatal:')) ?? lines[lines.length - 1] ?? '';
}
