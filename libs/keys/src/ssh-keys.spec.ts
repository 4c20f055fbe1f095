import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fingerprint, parsePublicKey } from './public-key';
import { generateKeyPair, publicKeyOf } from './ssh-keys';

/** The service's key code in-process, checked against OpenSSH's own ssh-keygen. */
describe('ssh keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-keys-spec-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const keygen = (name: string, ...args: string[]): { privateKey: string; publicLine: string } => {
    const file = path.join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-N', '', '-C', 'spec', '-f', file, ...args]);
    return { privateKey: fs.readFileSync(file, 'utf8'), publicLine: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
  };
  const publicOfFile = (privateKey: string): string => {
    const file = path.join(dir, `check-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, privateKey, { mode: 0o600 });
    return execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
  };
  const withoutComment = (line: string): string => line.split(' ').slice(0, 2).join(' ');

  it.each([
    ['OpenSSH ed25519', ['-t', 'ed25519']],
    ['OpenSSH ECDSA P-256', ['-t', 'ecdsa', '-b', '256']],
    ['OpenSSH ECDSA P-521', ['-t', 'ecdsa', '-b', '521']],
    ['OpenSSH RSA', ['-t', 'rsa', '-b', '2048']],
    ['PKCS#1 RSA', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']],
    ['SEC1 ECDSA', ['-t', 'ecdsa', '-b', '384', '-m', 'PEM']],
    ['PKCS#8 ECDSA', ['-t', 'ecdsa', '-b', '256', '-m', 'PKCS8']],
    ['PKCS#8 RSA', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8']],
  ])('derives the public key of a %s private key exactly as ssh-keygen -y does', async (name, args) => {
    const key = keygen(name.replace(/\W+/g, '-'), ...args);
    const derived = await publicKeyOf(key.privateKey);
    expect(derived?.line).toBe(withoutComment(key.publicLine));
    expect(fingerprint(derived!)).toBe(fingerprint(parsePublicKey(key.publicLine)!));
  });

  it('refuses what is not a usable private key: encrypted, a public key, damaged, empty', async () => {
    const encrypted = path.join(dir, 'encrypted');
    execFileSync('ssh-keygen', ['-q', '-N', 'a passphrase', '-t', 'ed25519', '-f', encrypted]);
    const good = keygen('good', '-t', 'ed25519');
    for (const text of [fs.readFileSync(encrypted, 'utf8'), good.publicLine, good.privateKey.split('\n').filter((_, i) => i !== 2).join('\n'), '', 'not a key']) {
      expect(await publicKeyOf(text)).toBeNull();
    }
  });

  it.each([
    ['ed25519', undefined],
    ['rsa', 2048],
  ] as const)('generates %s keys that OpenSSH reads, with the comment and the matching public key', async (type, bits) => {
    const pair = await generateKeyPair(type, bits, 'ops@DEMO');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(pair.publicKey).toMatch(new RegExp(`^ssh-${type} \\S+ ops@DEMO$`));
    expect(withoutComment(publicOfFile(pair.privateKey))).toBe(withoutComment(pair.publicKey));
    if (type === 'rsa') expect(parsePublicKey(pair.publicKey)!.blob.length).toBeGreaterThan(256);
  });
});
