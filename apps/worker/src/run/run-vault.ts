import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { findVaultEnvelopes, openVaultEnvelope, parseVaultEnvelope, readTenantFile, Workspace } from '@app/ansible';
import { MIN_SECRET_LENGTH } from '@app/domain';

/**
 * What a repository may make the worker do before its run: a hostile one must not make it spin
 * (every decryption attempt is 10000 rounds of PBKDF2) or read without end.
 */
export const VAULT_SCAN_LIMITS = { entries: 5000, fileBytes: 1024 * 1024, totalBytes: 32 * 1024 * 1024, envelopes: 200, attempts: 400, values: 500 };

/** Ansible's words when no vault password opens something (2.14 to 2.19). */
const DECRYPTION_FAILED = /Decryption failed|no vault secrets|vault secrets? (?:were )?found|Attempting to decrypt but no vault/i;

/** One piece of vault content in the checkout, and whether a password of the job opened it. */
interface VaultItem {
  file: string;
  vaultId: string | null;
  opened: boolean;
}

/**
 * A run's vault passwords (README "Playbook projects"). Each password is a 0600 file in the run's
 * workspace, owned by the run's uid, named by path in `--vault-id id@file` (never the password in
 * argv or the environment). Before the run the worker opens the checkout's vault content itself, so
 * the decrypted values join the masker (`secrets`), and a decryption failure gets a reason that
 * names the file and the vault id (`explain`).
 */
export class RunVault {
  private constructor(
    readonly args: string[],
    readonly secrets: string[],
    private readonly items: VaultItem[],
    private readonly ids: string[],
    readonly notes: string[],
    private readonly root: string,
  ) {}

  static async prepare(workspace: Workspace, passwords: Record<string, string> | undefined, root: string): Promise<RunVault> {
    const entries = Object.entries(passwords ?? {});
    // The index names the file: a vault id such as ".." is valid for Ansible, never a path here.
    const args = entries.flatMap(([id, password], i) => ['--vault-id', `${id}@${workspace.write(`vault-password-${i}`, password + '\n', 0o600)}`]);
    // Without a password nothing can be opened (or masked): a run without vault passwords reads
    // none of its checkout here; only a failure looks, to say what needed one (explain).
    const scan = entries.length ? scanVaultContent(root) : { found: [], notes: [] };
    const secrets = entries.map(([, password]) => password);
    const items: VaultItem[] = [];
    const notes = [...scan.notes];
    let attempts = 0;
    for (const found of scan.found) {
      const envelope = parseVaultEnvelope(found.text);
      if (!envelope) continue;
      // The password of the envelope's own vault id first, then the others, as Ansible tries them.
      const order = [...entries].sort(([a], [b]) => Number(b === envelope.vaultId) - Number(a === envelope.vaultId));
      let plain: Buffer | null = null;
      for (const [, password] of order) {
        if (attempts++ >= VAULT_SCAN_LIMITS.attempts) break;
        plain = await openVaultEnvelope(envelope, password);
        if (plain) break;
      }
      if (attempts > VAULT_SCAN_LIMITS.attempts && !plain) {
        notes.push(`stopped opening vault content after ${VAULT_SCAN_LIMITS.attempts} attempts; values in ${found.file} and after it are not masked`);
        break;
      }
      items.push({ file: found.file, vaultId: envelope.vaultId, opened: !!plain });
      if (plain) secrets.push(...decryptedValues(plain.toString('utf8'), found.wholeFile));
    }
    if (secrets.length > VAULT_SCAN_LIMITS.values) notes.push(`masking the first ${VAULT_SCAN_LIMITS.values} decrypted values only`);
    return new RunVault(args, secrets.slice(0, VAULT_SCAN_LIMITS.values), items, entries.map(([id]) => id), notes, root);
  }

  /** A failure reason that names what no vault password of the job opened, when Ansible's says decryption failed. */
  explain(reason: string): string {
    if (!DECRYPTION_FAILED.test(reason)) return reason;
    const closed = this.ids.length ? this.items.filter((item) => !item.opened) : this.lookAfterRun();
    const which = closed.length
      ? closed
          .slice(0, 5)
          .map((item) =>
            item.vaultId && !this.ids.includes(item.vaultId)
              ? `${item.file} (vault id ${item.vaultId}: the job has no password for it)`
              : `${item.file}${item.vaultId ? ` (vault id ${item.vaultId})` : ''}`,
          )
          .join(', ') + (closed.length > 5 ? ` and ${closed.length - 5} more` : '')
      : 'the repository\'s vault content';
    const lead = this.ids.length
      ? `vault: no vault password of the job decrypts ${which}; check the job's vaultPasswords`
      : `vault: the job has no vaultPasswords for the repository's vault content: ${which}`;
    return `${lead}. Ansible: ${reason}`;
  }

  /** The vault content a run without passwords met; the run may have removed its checkout by now. */
  private lookAfterRun(): { file: string; vaultId: string | null }[] {
    try {
      return scanVaultContent(this.root).found.map((found) => ({ file: found.file, vaultId: parseVaultEnvelope(found.text)?.vaultId ?? null }));
    } catch {
      return [];
    }
  }
}

/**
 * The values a decrypted piece of vault content holds: an inline value is one; a whole file is YAML
 * (vars), whose leaf scalars are the values (a file that is not YAML: its text and its lines).
 * Shorter than the masker's minimum they cannot be masked reliably, and are left out.
 */
export function decryptedValues(text: string, wholeFile: boolean): string[] {
  const values = new Set<string>();
  const add = (value: string): void => {
    for (const form of [value, value.trim()]) if (form.length >= MIN_SECRET_LENGTH) values.add(form);
  };
  if (!wholeFile) {
    add(text);
    return [...values];
  }
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch {
    document = undefined;
  }
  if (document !== null && typeof document === 'object') {
    const walk = (node: unknown): void => {
      if (typeof node === 'string') add(node);
      else if (typeof node === 'number' || typeof node === 'bigint') add(String(node));
      else if (node && typeof node === 'object') Object.values(node).forEach(walk);
    };
    walk(document);
  } else {
    add(text);
    text.split('\n').forEach(add);
  }
  return [...values];
}

/**
 * Vault content in a checkout (or one playbook file): whole vault files and inline `!vault`
 * values, read without following links (the repository's own symlinks could point anywhere the
 * worker may read) and within VAULT_SCAN_LIMITS.
 */
export function scanVaultContent(root: string): { found: { file: string; text: string; wholeFile: boolean }[]; notes: string[] } {
  const found: { file: string; text: string; wholeFile: boolean }[] = [];
  const notes: string[] = [];
  const base = fs.statSync(root).isDirectory() ? root : path.dirname(root);
  // After a run (explain), its uid may have swapped a folder for a link: each file must still be inside.
  const inside = fs.realpathSync(base) + path.sep;
  const queue = [root];
  let entries = 0;
  let bytes = 0;
  while (queue.length) {
    const entry = queue.shift()!;
    if (++entries > VAULT_SCAN_LIMITS.entries) {
      notes.push(`looked for vault content in the first ${VAULT_SCAN_LIMITS.entries} files and folders only`);
      break;
    }
    const stat = fs.lstatSync(entry);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(entry).sort()) if (name !== '.git') queue.push(path.join(entry, name));
      continue;
    }
    if (!stat.isFile() || stat.size > VAULT_SCAN_LIMITS.fileBytes || stat.size < 16) continue;
    if ((bytes += stat.size) > VAULT_SCAN_LIMITS.totalBytes) {
      notes.push(`looked for vault content in the first ${VAULT_SCAN_LIMITS.totalBytes / 1024 / 1024} MiB of the repository only`);
      break;
    }
    const text = realpathInside(entry, inside) ? readTenantFile(entry) : null;
    if (!text?.includes('$ANSIBLE_VAULT;')) continue;
    for (const envelope of findVaultEnvelopes(text)) {
      if (found.length >= VAULT_SCAN_LIMITS.envelopes) {
        notes.push(`opened the first ${VAULT_SCAN_LIMITS.envelopes} pieces of vault content only`);
        return { found, notes };
      }
      found.push({ file: path.relative(base, entry) || path.basename(entry), ...envelope });
    }
  }
  return { found, notes };
}

function realpathInside(file: string, inside: string): boolean {
  try {
    return fs.realpathSync(file).startsWith(inside);
  } catch {
    return false;
  }
}
