import { SecretMasker } from './secret-masker';

describe('SecretMasker', () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';

  it('masks whole secrets, their base64, and long lines of them, deep inside values', () => {
    const masker = new SecretMasker([pem, 'hunter2-password', undefined]);
    const out = masker.deep({ a: `key: ${pem}`, b: ['x b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ y'], c: Buffer.from(pem).toString('base64'), d: 'pw=hunter2-password', n: 1 });
    expect(JSON.stringify(out)).not.toMatch(/b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ|hunter2-password/);
    expect(out.n).toBe(1);
    expect(out.d).toBe('pw=********');
  });

  it('keeps dates and other non-plain values as they are', () => {
    const when = new Date(0);
    const out = new SecretMasker(['hunter2-password']).deep({ timestamp: when, nested: { at: when } });
    expect(out.timestamp).toBe(when);
    expect(out.nested.at).toBe(when);
  });

  it('leaves text alone when there is no secret', () => {
    expect(new SecretMasker([]).deep({ a: 'x' })).toEqual({ a: 'x' });
  });
});
