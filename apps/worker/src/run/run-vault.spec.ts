import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Workspace } from '../../../../libs/ansible/src/workspace';
import { decryptedValues, RunVault, scanVaultContent, VAULT_SCAN_LIMITS } from './run-vault';

// The library's index also exports its process runner, whose execa Jest cannot load: the real
// modules this one uses, by their own paths.
jest.mock('@app/ansible', () => ({ ...jest.requireActual('../../../../libs/ansible/src/vault'), ...jest.requireActual('../../../../libs/ansible/src/workspace') }));

/** Vault content made by the real ansible-vault, in a checkout the test lays out. */
describe('RunVault', () => {
  let dir: string;
  let checkout: string;
  let inline: string;
  const write = (name: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(checkout, name)), { recursive: true });
    fs.writeFileSync(path.join(checkout, name), text);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-vault-spec-'));
    checkout = path.join(dir, 'repo');
    fs.mkdirSync(checkout);
    fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\n');
    fs.writeFileSync(path.join(dir, 'prod.pass'), 'prod-password-1');
    const vault = (...args: string[]): string => execFileSync('ansible-vault', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg') } });
    fs.writeFileSync(path.join(dir, 'secret.yml'), 'db_password: file-secret-value\nshort: abc\nport: 123456789\n');
    vault('encrypt', '--vault-id', 'prod@prod.pass', 'secret.yml');
    write('vars/secret.yml', fs.readFileSync(path.join(dir, 'secret.yml'), 'utf8'));
    inline = vault('encrypt_string', '--vault-id', 'prod@prod.pass', 'inline-secret-value', '--name', 'token');
    write('group_vars/all.yml', `plain: 1\n${inline}\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens the checkout with the job passwords: leaf values of files, inline values, the passwords, and --vault-id paths', async () => {
    const workspace = Workspace.create(path.join(dir, 'ws'), 'e1');
    const vault = await RunVault.prepare(workspace, { prod: 'prod-password-1', other: 'other-password' }, checkout);
    expect(vault.secrets.sort()).toEqual(['123456789', 'file-secret-value', 'inline-secret-value', 'other-password', 'prod-password-1'].sort());
    expect(vault.args).toEqual(['--vault-id', `prod@${workspace.path('vault-password-0')}`, '--vault-id', `other@${workspace.path('vault-password-1')}`]);
    expect(fs.statSync(workspace.path('vault-password-0')).mode & 0o777).toBe(0o600);
    expect(vault.explain('ERROR! Decryption failed (no vault secrets were found that could decrypt) on x')).toBe(
      "vault: no vault password of the job decrypts the repository's vault content; check the job's vaultPasswords. Ansible: ERROR! Decryption failed (no vault secrets were found that could decrypt) on x",
    );
    expect(vault.explain('web1 failed at task x: boom')).toBe('web1 failed at task x: boom');
  });

  it('names what no password opened, and a vault id the job has no password for', async () => {
    const workspace = Workspace.create(path.join(dir, 'ws'), 'e2');
    const wrong = await RunVault.prepare(workspace, { dev: 'dev-password-1' }, checkout);
    expect(wrong.secrets).toEqual(['dev-password-1']);
    expect(wrong.explain('Attempting to decrypt but no vault secrets found')).toBe(
      "vault: no vault password of the job decrypts group_vars/all.yml (vault id prod: the job has no password for it), vars/secret.yml (vault id prod: the job has no password for it); check the job's vaultPasswords. Ansible: Attempting to decrypt but no vault secrets found",
    );
    const none = await RunVault.prepare(workspace, undefined, checkout);
    expect(none.args).toEqual([]);
    expect(none.explain('Decryption failed')).toMatch(/^vault: the job has no vaultPasswords for the repository's vault content: group_vars\/all\.yml \(vault id prod: .*\)\. Ansible: Decryption failed$/);
  });

  it('reads no link and no .git, and stops at its bounds on a hostile repository', () => {
    const hostile = path.join(dir, 'hostile');
    fs.mkdirSync(path.join(hostile, '.git'), { recursive: true });
    fs.writeFileSync(path.join(hostile, '.git', 'x.yml'), inline);
    fs.writeFileSync(path.join(dir, 'outside.yml'), inline);
    fs.symlinkSync(path.join(dir, 'outside.yml'), path.join(hostile, 'link.yml'));
    fs.symlinkSync(dir, path.join(hostile, 'linked-folder'));
    expect(scanVaultContent(hostile)).toEqual({ found: [], notes: [] });
    fs.writeFileSync(path.join(hostile, 'many.yml'), Array.from({ length: VAULT_SCAN_LIMITS.envelopes + 5 }, (_, i) => inline.replace('token:', `token${i}:`)).join('\n'));
    const many = scanVaultContent(hostile);
    expect(many.found).toHaveLength(VAULT_SCAN_LIMITS.envelopes);
    expect(many.notes).toEqual([`opened the first ${VAULT_SCAN_LIMITS.envelopes} pieces of vault content only`]);
  });

  it('takes the values of a decrypted file, long enough to mask', () => {
    expect(decryptedValues('a: long-enough\nb: [x, another-value]\nc: { d: 12345678 }\n', true).sort()).toEqual(['12345678', 'another-value', 'long-enough']);
    expect(decryptedValues('not: yaml: at all\nsecond-line-value\n', true)).toContain('second-line-value');
    expect(decryptedValues('  padded-inline  ', false)).toEqual(['  padded-inline  ', 'padded-inline']);
    expect(decryptedValues('short', false)).toEqual([]);
  });
});
