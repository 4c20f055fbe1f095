import * as path from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { usageError } from './exit-codes';

/**
 * job.yaml → the API's job body (API.md "Jobs"). The file has the API's fields; what the API wants
 * encoded, the file lets people write plainly, and this module encodes:
 * - `playbook`: the plays as YAML (a list), YAML text (a block string), or a path to a playbook
 *   file relative to the job file; sent as base64 of the YAML.
 * - `sshPrivateKey` (job or host): the key's PEM/OpenSSH text or a path to the key file
 *   (`~/` allowed); sent as base64. A value that is already base64 passes through.
 * - `vaultPasswords` (vault id → password): a password as text, or `{file: path}` to read it from a
 *   file as ansible-vault's `--vault-password-file` does (surrounding whitespace stripped), so the
 *   job file itself need not hold it. `"$encrypted$"` (what `jobs get` shows) keeps the stored one.
 * Every other field passes through unchanged (`repository.inventory`: one path or a list of the
 * repository's inventory files or folders; `notify` too: a stored chat URL shows as "$encrypted$",
 * which the server takes back as "keep it"); the server validates it and names the field.
 */

/** How the module reads a file named in the job file; the caller passes fs.readFileSync. */
export type ReadFile = (file: string) => string;

export interface JobFileContext {
  /** Folder of the job file: relative paths in it are relative to this. */
  baseDir: string;
  homeDir: string;
  readFile: ReadFile;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function jobBodyFromYaml(text: string, source: string, context: JobFileContext): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) throw usageError(`${source} is not valid YAML: ${document.errors[0].message}`);
  const body = document.toJS() as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw usageError(`${source} must be a mapping of job fields (description, playbook, hosts, …)`);
  }
  const job = { ...(body as Record<string, unknown>) };
  if (job.playbook !== undefined) job.playbook = encodePlaybook(job.playbook, source, context);
  if (job.sshPrivateKey !== undefined) job.sshPrivateKey = encodeKey(job.sshPrivateKey, 'sshPrivateKey', source, context);
  if (isObject(job.vaultPasswords)) job.vaultPasswords = readVaultPasswords(job.vaultPasswords, source, context);
  if (Array.isArray(job.hosts)) {
    job.hosts = job.hosts.map((host: unknown, i: number) => {
      if (typeof host === 'string') return { id: host };
      if (typeof host !== 'object' || host === null || (host as Record<string, unknown>).sshPrivateKey === undefined) return host;
      const h = host as Record<string, unknown>;
      return { ...h, sshPrivateKey: encodeKey(h.sshPrivateKey, `hosts.${i}.sshPrivateKey`, source, context) };
    });
  }
  return job;
}

function encodePlaybook(value: unknown, source: string, context: JobFileContext): string {
  if (Array.isArray(value)) return b64(stringify(value));
  if (typeof value !== 'string' || value.trim() === '') {
    throw usageError(`${source}: playbook must be the plays (a YAML list), YAML text, or the path of a playbook file`);
  }
  if (value.includes('\n')) return b64(checkedPlaybook(value, `${source}: playbook`));
  const file = resolvePath(value.trim(), context);
  let text: string;
  try {
    text = context.readFile(file);
  } catch (error) {
    throw usageError(`${source}: playbook file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return b64(checkedPlaybook(text, `playbook file ${file}`));
}

/** Catches a broken playbook here, with its line, rather than as an INIT_FAILURE on a worker. */
function checkedPlaybook(text: string, where: string): string {
  let plays: unknown;
  try {
    plays = parse(text);
  } catch (error) {
    throw usageError(`${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(plays)) throw usageError(`${where} must be a list of plays (each "- hosts: …")`);
  return text;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readVaultPasswords(passwords: Record<string, unknown>, source: string, context: JobFileContext): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(passwords).map(([id, value]) => {
      if (!isObject(value) || typeof value.file !== 'string') return [id, value]; // text, null or "$encrypted$": the server checks it
      const file = resolvePath(value.file.trim(), context);
      try {
        return [id, context.readFile(file).trim()];
      } catch (error) {
        throw usageError(`${source}: vaultPasswords.${id} file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
    }),
  );
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function encodeKey(value: unknown, field: string, source: string, context: JobFileContext): unknown {
  if (typeof value !== 'string') return value; // null removes a stored key; the server checks the rest
  if (PRIVATE_KEY.test(value)) return b64(value);
  if (/^[A-Za-z0-9+/=\s]+$/.test(value) && !value.includes('/') && value.length > 64) return value.replace(/\s+/g, '');
  const file = resolvePath(value.trim(), context);
  let text: string;
  try {
    text = context.readFile(file);
  } catch (error) {
    throw usageError(`${source}: ${field} is neither a private key nor a readable key file (${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!PRIVATE_KEY.test(text)) throw usageError(`${source}: ${field} file ${file} does not hold a private key`);
  return b64(text);
}

function resolvePath(file: string, context: JobFileContext): string {
  if (file === '~' || file.startsWith('~/')) return path.join(context.homeDir, file.slice(1));
  return path.resolve(context.baseDir, file);
}

/** The API's job document → job.yaml text: the playbook decoded, server-made fields left out. */
export function jobToYaml(job: Record<string, unknown>): string {
  const { id, accountAlias, status, createdTime, lastUpdatedTime, links, ...definition } = job;
  const header = [`# job ${String(id)} in account ${String(accountAlias)} (${String(status)})`];
  if (typeof definition.playbook === 'string') {
    const text = Buffer.from(definition.playbook, 'base64').toString('utf8');
    // A block string keeps the playbook exactly as it was written.
    definition.playbook = text;
  }
  return header.join('\n') + '\n' + stringify(definition, { blockQuote: 'literal', lineWidth: 0 });
}

/** `--property key=value` → properties; the value is read as YAML, so 3 is a number and [a, b] a list. */
function parseProperties(pairs: string[]): Record<string, unknown> | undefined {
  if (pairs.length === 0) return undefined;
  const properties: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--property must be KEY=VALUE, not "${pair}"`);
    const key = pair.slice(0, at);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usageError(`--property ${key}: a variable name is letters, digits and _ (not starting with a digit)`);
    try {
      properties[key] = parse(pair.slice(at + 1)) ?? '';
    } catch {
      properties[key] = pair.slice(at + 1);
    }
  }
  return properties;
}

/** The body of POST …/start from `--host` and `--property`: only what was given. */
export function startBody(hosts: string[], pairs: string[]): Record<string, unknown> {
  const properties = parseProperties(pairs);
  return { ...(hosts.length ? { hosts: hosts.map((id) => ({ id })) } : {}), ...(properties ? { properties } : {}) };
}
