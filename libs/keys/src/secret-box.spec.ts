import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text and JSON, with a fresh nonce each time', () => {
    const sealed = box.seal('private key');
    expect(sealed).not.toContain('private key');
    expect(box.open(sealed)).toBe('private key');
    expect(box.seal('private key')).not.toBe(sealed);
    expect(box.openJson(box.sealJson({ a: [1, 'b'] }))).toEqual({ a: [1, 'b'] });
  });

  it('fails loudly with the wrong key or a tampered value', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => box.open('plain text')).toThrow(/not a sealed secret/);
  });
});
