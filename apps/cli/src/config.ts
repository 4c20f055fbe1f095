import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliError, EXIT, usageError } from './exit-codes';

/**
 * Where the CLI keeps its login: `$XDG_CONFIG_HOME/automation-runner/config.json` (default
 * `~/.config`), the folder 0700 and the file 0600 because the file holds a bearer token.
 * AUTOMATION_RUNNER_URL / _TOKEN / _ACCOUNT override it, so CI needs no file at all.
 */
export interface StoredConfig {
  url?: string;
  accountAlias?: string;
  username?: string;
  token?: string;
}

/** What a command talks to, after flags, environment and the file are combined. */
export interface Connection {
  url: string;
  token?: string;
  accountAlias?: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'automation-runner', 'config.json');
}

export function readConfig(file: string): StoredConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(EXIT.usage, `Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as StoredConfig;
  } catch (error) {
    throw new CliError(EXIT.usage, `${file} is not valid (${(error as Error).message}); run "automation-runner login" again.`);
  }
}

/** Writes the whole file atomically with mode 0600 in a 0700 folder (tightened if it exists). */
export function writeConfig(file: string, config: StoredConfig): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const temp = path.join(dir, `.config.${process.pid}.tmp`);
  // 'wx' with mode 0600: the token is never readable by others, not even for a moment.
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(config, null, 2) + '\n');
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** Flags win over the environment, which wins over the file. */
export function resolveConnection(flags: { url?: string; account?: string }, env: NodeJS.ProcessEnv, stored: StoredConfig): Connection {
  const url = flags.url ?? env.AUTOMATION_RUNNER_URL ?? stored.url;
  if (!url) {
    throw new CliError(EXIT.auth, 'Not logged in: run "automation-runner login --url URL --username USER" (or set AUTOMATION_RUNNER_URL and AUTOMATION_RUNNER_TOKEN).');
  }
  return {
    url: normalizeUrl(url),
    token: env.AUTOMATION_RUNNER_TOKEN || stored.token,
    accountAlias: flags.account ?? env.AUTOMATION_RUNNER_ACCOUNT ?? stored.accountAlias,
  };
}

/** `http://host:8080/` → `http://host:8080`; anything that is not an http(s) URL is a usage error. */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`"${url}" is not a URL; expected something like http://localhost:8080`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`"${url}" must start with http:// or https://`);
  if (parsed.username || parsed.password) throw usageError('Put no user name or password in the URL; use --username');
  return parsed.toString().replace(/\/+$/, '');
}
