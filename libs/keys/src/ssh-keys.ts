import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '@app/ansible';
import { KeyType, parsePublicKey, PublicKey } from './public-key';

/** A private folder for ssh-keygen, which only works on files; removed whatever happens. */
async function inPrivateDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-keygen-'));
  fs.chmodSync(dir, 0o700);
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ENV = { PATH: process.env.PATH, LANG: 'C.UTF-8' };

/** A new key pair: the private key in OpenSSH format, the public key as an authorized_keys line. */
export function generateKeyPair(type: KeyType, bits: number | undefined, comment: string): Promise<{ privateKey: string; publicKey: string }> {
  return inPrivateDir(async (dir) => {
    const file = path.join(dir, 'key');
    const args = ['-q', '-t', type, ...(type === 'rsa' ? ['-b', String(bits ?? 3072)] : []), '-N', '', '-C', comment, '-f', file];
    const result = await runCommand('ssh-keygen', args, { env: ENV, timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`ssh-keygen failed: ${result.stderr.trim()}`);
    return { privateKey: fs.readFileSync(file, 'utf8'), publicKey: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
  });
}

/** The public key of a private key (unencrypted), or null when it is not a usable private key. */
export function publicKeyOf(privateKey: string): Promise<PublicKey | null> {
  return inPrivateDir(async (dir) => {
    const file = path.join(dir, 'key');
    fs.writeFileSync(file, privateKey.endsWith('\n') ? privateKey : privateKey + '\n', { mode: 0o600 });
    const result = await runCommand('ssh-keygen', ['-y', '-P', '', '-f', file], { env: ENV, timeoutMs: 30_000 });
    return result.exitCode === 0 ? parsePublicKey(result.stdout) : null;
  });
}
