import { fingerprint, parsePublicKey } from './public-key';

describe('public keys', () => {
  const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl demo@runner';

  it('parses an authorized_keys line and computes the OpenSSH fingerprint', () => {
    const key = parsePublicKey(line)!;
    expect(key).toMatchObject({ type: 'ssh-ed25519', comment: 'demo@runner' });
    // ssh-keygen -lf prints SHA256:<base64 without padding> of the key blob.
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it.each(['', 'ssh-ed25519', 'ssh-dss AAAAB3NzaC1kc3M=', 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'not a key'])(
    'refuses %j',
    (text) => expect(parsePublicKey(text)).toBeNull(),
  );
});
