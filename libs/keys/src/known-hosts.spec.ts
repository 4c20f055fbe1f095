import { hostKeyAlgorithms, keyTypeOfBlob, knownHostName, knownKeysFor, linesToRemember } from './known-hosts';

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

describe('linesToRemember', () => {
  const blob = (type: string): string => {
    const name = Buffer.from(type);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return Buffer.concat([length, name, Buffer.alloc(32, 7)]).toString('base64');
  };
  const ed = blob('ssh-ed25519');
  const targets = new Set(['web-1', '10.0.0.5', 'fd00::5']);

  it('keeps what ssh writes on first contact with a host the run was sent to', () => {
    const lines = [`web-1 ssh-ed25519 ${ed}`, `[10.0.0.5]:2222 ssh-ed25519 ${ed}`, `fd00::5 ssh-ed25519 ${ed}`];
    expect(linesToRemember(lines, [], targets)).toEqual(lines);
  });

  it('drops markers, wildcards, hashed names, other hosts, known hosts, wrong key types and anything else', () => {
    const lines = [
      `* ssh-ed25519 ${ed}`,
      `@cert-authority * ssh-ed25519 ${ed}`,
      `@revoked web-1 ssh-ed25519 ${ed}`,
      `web-? ssh-ed25519 ${ed}`,
      `!web-1,web-1 ssh-ed25519 ${ed}`,
      `|1|abc=|def= ssh-ed25519 ${ed}`,
      `db.internal ssh-ed25519 ${ed}`,
      `web-1,db.internal ssh-ed25519 ${ed}`,
      `web-1 ssh-rsa ${ed}`,
      `web-1 ssh-dss ${blob('ssh-dss')}`,
      `web-1 ssh-ed25519 ${ed} extra`,
      `10.0.0.5 ssh-ed25519 ${ed}`,
    ];
    expect(linesToRemember(lines, [`10.0.0.5 ecdsa-sha2-nistp256 ${blob('ecdsa-sha2-nistp256')}`], targets)).toEqual([]);
  });
});
