import { hostKeyAlgorithms, keyTypeOfBlob, knownHostName, knownKeysFor } from './known-hosts';

describe('known hosts', () => {
  const lines = [
    '[169.254.10.2]:2201 ssh-ed25519 AAAAgw',
    '169.254.10.2 ecdsa-sha2-nistp256 AAAAec',
    'gw.example,10.0.0.1 ssh-rsa AAAArsa',
    '|1|hashed= ssh-ed25519 AAAAhashed',
  ];

  it('names hosts the way OpenSSH writes them', () => {
    expect(knownHostName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostName('fd00::1', 2222)).toBe('[fd00::1]:2222');
  });

  it('finds the keys of one host and port only', () => {
    expect(knownKeysFor(lines, '169.254.10.2', 2201)).toEqual([{ type: 'ssh-ed25519', key: 'AAAAgw' }]);
    expect(knownKeysFor(lines, '169.254.10.2', 22)).toEqual([{ type: 'ecdsa-sha2-nistp256', key: 'AAAAec' }]);
    expect(knownKeysFor(lines, '10.0.0.1', 22)).toEqual([{ type: 'ssh-rsa', key: 'AAAArsa' }]);
    expect(knownKeysFor(lines, '10.0.0.2', 22)).toEqual([]);
  });

  it('reads the key type from a blob and maps it to host key algorithms', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 1, 9])]);
    expect(keyTypeOfBlob(blob)).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBeNull();
    expect(hostKeyAlgorithms('ssh-rsa')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithms('ssh-ed25519')).toEqual(['ssh-ed25519']);
  });
});
