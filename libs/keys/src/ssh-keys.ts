import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { utils } from 'ssh2';
import { KeyType, parsePublicKey, PublicKey } from './public-key';

/**
 * Key generation and inspection in-process (ssh2's OpenSSH codec over node:crypto): the api starts
 * no process for a key pair (ARCHITECTURE.md: "the api never spawns a process"), and no private key
 * is ever written to a file.
 */

/** A new key pair: the private key in OpenSSH format, the public key as an authorized_keys line. */
export function generateKeyPair(type: KeyType, bits: number | undefined, comment: string): Promise<{ privateKey: string; publicKey: string }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, keys: { private: string; public: string }): void => {
      if (error) reject(error);
      else resolve({ privateKey: keys.private, publicKey: keys.public.trim() });
    };
    // Asynchronous: an RSA key takes node:crypto's thread pool a second, not the event loop.
    if (type === 'rsa') utils.generateKeyPair('rsa', { bits: bits ?? 3072, comment }, done);
    else utils.generateKeyPair('ed25519', { comment }, done);
  });
}

/**
 * The public key of an unencrypted private key in any format OpenSSH reads (OpenSSH, PKCS#1,
 * SEC1 and PKCS#8 PEM), or null when it is not a usable private key (encrypted, damaged, not a key).
 */
export async function publicKeyOf(privateKey: string): Promise<PublicKey | null> {
  const parsed = utils.parseKey(privateKey);
  if (!(parsed instanceof Error) && !Array.isArray(parsed) && parsed.isPrivateKey()) {
    return parsePublicKey(`${parsed.type} ${parsed.getPublicSSH().toString('base64')}`);
  }
  // ssh2 reads OpenSSH and PKCS#1 only; node:crypto reads the other PEM forms.
  try {
    const jwk = createPublicKey(createPrivateKey({ key: privateKey, format: 'pem' })).export({ format: 'jwk' });
    const key = publicBlobOf(jwk);
    return key ? parsePublicKey(`${key.type} ${key.blob.toString('base64')}`) : null;
  } catch {
    return null;
  }
}

const CURVES: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' };

/** The SSH wire form of a public key (RFC 4253 §6.6, RFC 5656, RFC 8709) from its JWK. */
function publicBlobOf(jwk: JsonWebKey): { type: string; blob: Buffer } | null {
  const field = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');
  const key = (type: string, ...parts: (string | Buffer)[]) => ({ type, blob: sshStrings(type, ...parts) });
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return key('ssh-ed25519', field(jwk.x));
  if (jwk.kty === 'RSA') return key('ssh-rsa', mpint(field(jwk.e)), mpint(field(jwk.n)));
  const curve = jwk.kty === 'EC' ? CURVES[jwk.crv ?? ''] : undefined;
  if (curve) return key(`ecdsa-sha2-${curve}`, curve, Buffer.concat([Buffer.from([4]), field(jwk.x), field(jwk.y)]));
  return null;
}

/** A positive multiple-precision integer: a leading zero byte when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function sshStrings(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
}
