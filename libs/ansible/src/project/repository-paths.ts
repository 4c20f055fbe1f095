import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file or folder a job names in its repository is missing, or not allowed: INIT_FAILURE with this message. */
export class ProjectError extends Error {}

/**
 * The real path of `relative` inside the checkout at `root`, or null when nothing is there. Links
 * are followed, but what they lead to must be inside the checkout: the worker reads these files,
 * possibly as root, and a repository's symlink must never make it read one of the worker's.
 */
export function repositoryPath(root: string, relative: string, what: string): string | null {
  const candidate = path.resolve(root, relative);
  const realRoot = fs.realpathSync(root);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) throw new ProjectError(`${what} ${relative} is outside the repository`);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    // A dangling link is missing too, unless it points outside (said as such).
    const link = fs.lstatSync(candidate, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) throw new ProjectError(`${what} ${relative} is a link to nothing in the repository`);
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new ProjectError(`${what} ${relative} points outside the repository`);
  return real;
}

/** A regular file of the checkout as text (null when absent), at most `maxBytes`. */
export function readRepositoryFile(root: string, relative: string, what: string, maxBytes = 1024 * 1024): string | null {
  const real = repositoryPath(root, relative, what);
  if (real === null) return null;
  const stat = fs.statSync(real);
  if (!stat.isFile()) throw new ProjectError(`${what} ${relative} is not a regular file`);
  if (stat.size > maxBytes) throw new ProjectError(`${what} ${relative} is over ${Math.round(maxBytes / 1024)} KiB`);
  return fs.readFileSync(real, 'utf8');
}
