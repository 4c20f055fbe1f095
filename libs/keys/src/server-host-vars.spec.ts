import { SecretBox } from './secret-box';
import { openServerHostVars, sealServerHostVars } from './server-host-vars';

describe('server hostVars', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));
  const web = { accountId: 'acc-1', name: 'web' };
  const LOCAL = { ansible_connection: 'local' };

  it('stores "$encrypted$" in place of a secret and seals the value to its server', () => {
    const stored = sealServerHostVars(box, web, { ...LOCAL, ansible_password: 'pa55word-1' }, {});
    expect(stored.hostVars).toEqual({ ...LOCAL, ansible_password: '$encrypted$' });
    expect(stored.sealedHostVars).not.toContain('pa55word-1');
    expect(openServerHostVars(box, { ...web, ...stored })).toEqual({ shown: stored.hostVars, secrets: { ansible_password: 'pa55word-1' } });
    // Bound to its row: another server's (or account's) row does not open it.
    expect(() => openServerHostVars(box, { ...web, name: 'db', ...stored })).toThrow(/servers\.sealed_host_vars does not open here/);
  });

  it('keeps a value sent back as "$encrypted$", drops one left out or null, and seals nothing when none is left', () => {
    const previous = { ansible_password: 'pa55word-1', ansible_become_password: 'become-pa55' };
    const kept = sealServerHostVars(box, web, { ansible_password: '$encrypted$', ansible_become_password: null }, previous);
    expect(openServerHostVars(box, { ...web, ...kept }).secrets).toEqual({ ansible_password: 'pa55word-1' });
    expect(sealServerHostVars(box, web, LOCAL, previous)).toEqual({ hostVars: LOCAL, sealedHostVars: null });
  });

  it('refuses short secrets and "$encrypted$" with nothing stored, naming the variable', () => {
    expect(() => sealServerHostVars(box, web, { ansible_password: 'short' }, {})).toThrow(/hostVars\.ansible_password.*at least 8/);
    expect(() => sealServerHostVars(box, web, { ansible_password: '$encrypted$' }, {})).toThrow(/hostVars\.ansible_password.*no value is stored/);
  });

  it('treats a secret stored in clear before servers sealed theirs as a secret, which the next write seals', () => {
    const legacy = { ...web, hostVars: { ...LOCAL, ansible_password: 'clear-legacy-pw', ansible_become_password: null }, sealedHostVars: null };
    const opened = openServerHostVars(box, legacy);
    expect(opened).toEqual({
      shown: { ...LOCAL, ansible_password: '$encrypted$', ansible_become_password: null },
      secrets: { ansible_password: 'clear-legacy-pw' },
    });
    const rewritten = sealServerHostVars(box, web, opened.shown, opened.secrets);
    expect(JSON.stringify(rewritten.hostVars)).not.toContain('clear-legacy-pw');
    expect(openServerHostVars(box, { ...web, ...rewritten }).secrets).toEqual({ ansible_password: 'clear-legacy-pw' });
  });
});
