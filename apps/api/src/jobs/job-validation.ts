import { isIPv6 } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';
import { checkSecretPropertyNames, invalid, limitProblem, repositoryUrlProblem } from '@app/domain';
import { checkPrivateKey, decodeBase64 } from '../common/encoded-fields';
import { HOST_ID_RULE } from '../common/host-id';
import type { JobRequest } from './job.dto';

/** `playbook` must be base64 of YAML that is a non-empty list of plays. */
export function checkPlaybook(field: string, encoded: string): void {
  const text = decodeBase64(field, encoded);
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw invalid(field, `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(document) || document.length === 0) throw invalid(field, 'must be a YAML list of plays');
  document.forEach((play, index) => {
    const isPlay =
      play !== null &&
      typeof play === 'object' &&
      !Array.isArray(play) &&
      ('hosts' in play || 'import_playbook' in play || 'ansible.builtin.import_playbook' in play);
    if (!isPlay) throw invalid(field, `item ${index} is not a play (a mapping with hosts or import_playbook)`);
  });
}

/** A path inside the repository: relative, no `..` escaping it. */
export function checkRepositoryPath(field: string, value: string): void {
  if (value.includes('\0') || value.includes('\\')) throw invalid(field, 'must not contain NUL or backslashes');
  if (path.posix.isAbsolute(value)) throw invalid(field, 'must be a path relative to the repository root');
  const normal = path.posix.normalize(value);
  if (normal === '..' || normal.startsWith('../') || normal === '.') {
    throw invalid(field, 'must stay inside the repository');
  }
}

/** Ansible reads a vault id up to `@` and splits a list of them at `,`: letters, digits, `_ . -` only. */
const VAULT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_VAULT_PASSWORDS = 20;

/**
 * Vault ids, and passwords Ansible reads back as sent: it strips a password file's surrounding
 * whitespace, so a password that begins or ends with some would never decrypt.
 */
export function checkVaultPasswords(passwords: Record<string, unknown> | undefined): void {
  const entries = Object.entries(passwords ?? {});
  if (entries.length > MAX_VAULT_PASSWORDS) throw invalid('vaultPasswords', `has ${entries.length} vault ids; at most ${MAX_VAULT_PASSWORDS}`);
  for (const [id, password] of entries) {
    if (!VAULT_ID.test(id)) throw invalid(`vaultPasswords.${id}`, 'a vault id is 1-64 letters, digits, _ . or -');
    if (typeof password === 'string' && password !== password.trim()) {
      throw invalid(`vaultPasswords.${id}`, 'must not begin or end with whitespace (Ansible strips it from a password file)');
    }
  }
}

/** The checks that span fields or need parsing; the DTO already checked each field's shape. */
export function checkJobRequest(job: JobRequest): void {
  if ((job.playbook === undefined) === (job.repository === undefined)) {
    throw invalid('playbook', 'exactly one of playbook or repository is required');
  }
  if (job.playbook !== undefined) checkPlaybook('playbook', job.playbook);
  if (job.repository) {
    const problem = repositoryUrlProblem(job.repository.url);
    if (problem) throw invalid('repository.url', problem);
    checkRepositoryPath('repository.defaultPlaybook', job.repository.defaultPlaybook);
    (job.repository.inventory ?? []).forEach((entry, index) => checkRepositoryPath(`repository.inventory.${index}`, entry));
    const key = job.repository.credentials?.sshPrivateKey;
    if (key) checkPrivateKey('repository.credentials.sshPrivateKey', key);
  }
  if (job.sshPrivateKey) checkPrivateKey('sshPrivateKey', job.sshPrivateKey);
  checkSecretPropertyNames(job.properties, job.secretProperties);
  checkVaultPasswords(job.vaultPasswords);
  const limit = job.limit !== undefined ? limitProblem(job.limit) : null;
  if (limit) throw invalid('limit', limit);
  const seen = new Set<string>();
  (job.hosts ?? []).forEach((host, index) => {
    if (host.id.includes(':') && !isIPv6(host.id)) throw invalid(`hosts.${index}.id`, HOST_ID_RULE);
    if (seen.has(host.id)) throw invalid(`hosts.${index}.id`, `duplicates host ${host.id}`);
    seen.add(host.id);
    if (host.sshPrivateKey) checkPrivateKey(`hosts.${index}.sshPrivateKey`, host.sshPrivateKey);
  });
}
