import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findVaultEnvelopes, openVaultEnvelope, parseVaultEnvelope } from './vault';

/** The envelopes come from the real ansible-vault CLI, so the reader is checked against Ansible's own writer. */
describe('Ansible Vault envelopes', () => {
  let dir: string;
  const ansibleVault = (...args: string[]): string => execFileSync('ansible-vault', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg') } });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-spec-'));
    fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\n');
    fs.writeFileSync(path.join(dir, 'prod.pass'), 'prod-password-1\n');
    fs.writeFileSync(path.join(dir, 'dev.pass'), 'dev pässword\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens a whole file encrypted with a vault id (1.2) and a unicode plaintext of several blocks', async () => {
    const plain = 'db_password: "hunter2-ünïcode"\nlist:\n' + Array.from({ length: 40 }, (_, i) => `  - item-${i}`).join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'vars.yml'), plain);
    ansibleVault('encrypt', '--vault-id', 'prod@prod.pass', 'vars.yml');
    const text = fs.readFileSync(path.join(dir, 'vars.yml'), 'utf8');
    const [found] = findVaultEnvelopes(text);
    expect(found.wholeFile).toBe(true);
    const envelope = parseVaultEnvelope(found.text)!;
    expect(envelope.vaultId).toBe('prod');
    expect((await openVaultEnvelope(envelope, 'prod-password-1'))?.toString('utf8')).toBe(plain);
    expect(await openVaultEnvelope(envelope, 'prod-password-2')).toBeNull();
  });

  it('finds and opens inline !vault values (1.1, no id) among plain YAML, for a non-ASCII password', async () => {
    const a = ansibleVault('encrypt_string', '--vault-id', 'dev@dev.pass', 'exactly-sixteen!', '--name', 'a');
    const b = ansibleVault('encrypt_string', '--vault-id', 'default@dev.pass', 'x', '--name', 'b');
    const yaml = `plain: 1\n${a}\nnested:\n  ${b.replace(/\n/g, '\n  ')}\nafter: 2\n`;
    const found = findVaultEnvelopes(yaml);
    expect(found).toHaveLength(2);
    expect(found.every((f) => !f.wholeFile)).toBe(true);
    const envelopes = found.map((f) => parseVaultEnvelope(f.text)!);
    expect(envelopes.map((e) => e.vaultId)).toEqual(['dev', null]);
    // A 16-byte plaintext gets a whole block of padding; a 1-byte one fifteen bytes.
    expect((await openVaultEnvelope(envelopes[0], 'dev pässword'))?.toString()).toBe('exactly-sixteen!');
    expect((await openVaultEnvelope(envelopes[1], 'dev pässword'))?.toString()).toBe('x');
  });

  it('refuses what is not an envelope, and a tampered one', async () => {
    expect(parseVaultEnvelope('$ANSIBLE_VAULT;1.1;AES256\nnot-hex')).toBeNull();
    expect(parseVaultEnvelope('$ANSIBLE_VAULT;2.0;AES256\n00')).toBeNull();
    expect(parseVaultEnvelope('plain: text')).toBeNull();
    expect(findVaultEnvelopes('a: b\nc: d\n')).toEqual([]);
    fs.writeFileSync(path.join(dir, 'one.yml'), 'k: v\n');
    ansibleVault('encrypt', '--vault-id', 'prod@prod.pass', 'one.yml');
    const envelope = parseVaultEnvelope(fs.readFileSync(path.join(dir, 'one.yml'), 'utf8'))!;
    envelope.ciphertext[0] ^= 1;
    expect(await openVaultEnvelope(envelope, 'prod-password-1')).toBeNull();
  });
});
