import * as os from 'node:os';
import { internalAddress, PROBE_ALLOW_SETTING, resolveProbeTarget } from './probe-target';

describe('the probe guard', () => {
  it('refuses loopback, link-local, metadata, unspecified and the machine\'s own addresses; allows private networks', () => {
    expect(internalAddress('127.0.0.1')).toBe('a loopback address');
    expect(internalAddress('::ffff:169.254.169.254')).toBe('a cloud metadata address');
    expect(internalAddress('fe80::1')).toBe('a link-local address');
    expect(internalAddress('0.0.0.0')).toMatch(/unspecified/);
    const own = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal);
    if (own) expect(internalAddress(own.address)).toMatch(/own machine|link-local/);
    expect(internalAddress('10.20.30.40')).toBeNull();
    expect(internalAddress('fd12:3456::7')).toBeNull();
  });

  it('refuses an address literal (bracketed too) naming the setting, and lets it through when the operator allows it', async () => {
    await expect(resolveProbeTarget('[::1]', false)).rejects.toThrow(new RegExp(`::1 is a loopback address.*${PROBE_ALLOW_SETTING}=true`));
    await expect(resolveProbeTarget('127.0.0.1', true)).resolves.toBe('127.0.0.1');
    await expect(resolveProbeTarget('10.20.30.40', false)).resolves.toBe('10.20.30.40');
  });
});
