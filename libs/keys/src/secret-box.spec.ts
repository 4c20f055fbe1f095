import { randomBytes } from 'node:crypto';
import { SecretBox, sealedIn } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  const here = sealedIn('jobs', 'sealed_secrets', 'job-1', 'account-a');

  it('round-trips text and JSON, with a fresh nonce each time', () => {
    const sealed = box.seal('private key', here);
    expect(sealed).not.toContain('private key');
    expect(box.open(sealed, here)).toBe('private key');
    expect(box.seal('private key', here)).not.toBe(sealed);
    expect(box.openJson(box.sealJson({ a: [1, 'b'] }, here), here)).toEqual({ a: [1, 'b'] });
  });

  it('fails loudly with the wrong key or a tampered value', () => {
    const sealed = box.seal('secret', here);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, here)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), here)).toThrow();
    expect(() => box.open('plain text', here)).toThrow(/not a sealed secret/);
  });

  it('does not open a value moved to another row or another account', () => {
    const sealed = box.seal('secret', here);
    expect(() => box.open(sealed, sealedIn('jobs', 'sealed_secrets', 'job-2', 'account-a'))).toThrow(/belongs to another row/);
    expect(() => box.open(sealed, sealedIn('jobs', 'sealed_secrets', 'job-1', 'account-b'))).toThrow(/belongs to another row/);
    expect(() => box.open(sealed, sealedIn('servers', 'sealed_password', 'job-1', 'account-a'))).toThrow();
  });

  it('still opens a value sealed before values were bound to rows (v1), until the re-key binds it', () => {
    const key = randomBytes(32);
    const { createCipheriv } = jest.requireActual('node:crypto');
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update('legacy', 'utf8'), cipher.final()]);
    const v1 = ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    expect(new SecretBox(key).open(v1, here)).toBe('legacy');
  });
});
