import { addressKey, addressKind, PROBE_REFUSED_KINDS } from './address-kind';

describe('address kinds (the guards on the service\'s outgoing connections)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.1.2', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'shared'],
    ['224.0.0.1', 'multicast'],
    ['64:ff9b::1.1.1.1', 'reserved'],
  ])('%s is %s', (address, kind) => expect(addressKind(address)).toBe(kind));

  it.each(['93.184.216.34', '1.1.1.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:1.1.1.1'])('%s is an ordinary address', (address) => {
    expect(addressKind(address)).toBeNull();
  });

  it('is undefined for what is not an IP address', () => {
    expect(addressKind('localhost')).toBeUndefined();
    expect(addressKind('1.2.3')).toBeUndefined();
  });

  it('refuses to probe what reaches this machine or its cloud, not private networks', () => {
    expect([...PROBE_REFUSED_KINDS].sort()).toEqual(['link-local', 'loopback', 'metadata', 'unspecified']);
  });

  it('spells one address one way, whatever the notation', () => {
    expect(addressKey('::ffff:10.0.0.5')).toBe(addressKey('10.0.0.5'));
    expect(addressKey('fd00:0:0::0001')).toBe(addressKey('fd00::1'));
    expect(addressKey('fd00::1')).not.toBe(addressKey('fd00::2'));
  });
});
