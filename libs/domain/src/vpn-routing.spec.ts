import { Cidr, cidrContains, cidrsOverlap, findOverlap, parseAddress, parseCidr, routeHosts } from './vpn-routing';

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

describe('parseCidr', () => {
  it('accepts IPv4 and IPv6 networks and gives their canonical text', () => {
    expect(cidr('10.20.0.0/16')).toMatchObject({ family: 4, prefix: 16, text: '10.20.0.0/16' });
    expect(cidr('0.0.0.0/0').text).toBe('0.0.0.0/0');
    expect(cidr('169.254.7.4/30').text).toBe('169.254.7.4/30');
    expect(cidr('FD00:0001:0000:0000::/48').text).toBe('fd00:1::/48');
    expect(cidr('2001:db8:0:0:1:0:0:0/96').text).toBe('2001:db8:0:0:1::/96');
    expect(cidr('::/0').text).toBe('::/0');
    expect(cidr('::ffff:10.0.0.0/120')).toMatchObject({ family: 6, prefix: 120 });
  });

  it('refuses malformed networks with a reason', () => {
    for (const bad of ['10.0.0.0', '10.0.0/8', '256.0.0.0/8', '10.0.0.0/33', 'fd00::/129', 'fd00:::1/64', 'x/8', '10.0.0.0/8 ', '1:2:3:4:5:6:7:8:9/64', '']) {
      expect(parseCidr(bad)).toHaveProperty('error');
    }
    expect((parseCidr('10.1.2.3/16') as { error: string }).error).toMatch(/host bits set; did you mean 10\.1\.0\.0\/16/);
    expect((parseCidr('fd00::1/64') as { error: string }).error).toMatch(/did you mean fd00::\/64/);
  });
});

describe('parseAddress', () => {
  it('reads IPv4, IPv6 (bracketed too) and treats IPv4-mapped IPv6 as IPv4', () => {
    expect(parseAddress('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('[fd00::2]')).toEqual({ family: 6, value: (0xfd00n << 112n) | 2n });
    expect(parseAddress('::ffff:10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseAddress('1:2:3:4:5:6:1.2.3.4')).toEqual({ family: 6, value: parseAddress('1:2:3:4:5:6:102:304')!.value });
    expect(parseAddress('web-1.example.com')).toBeNull();
    expect(parseAddress('10.0.0.256')).toBeNull();
  });
});

describe('containment and overlap', () => {
  it('matches addresses inside a network only, per family', () => {
    expect(cidrContains(cidr('10.20.0.0/16'), parseAddress('10.20.255.1')!)).toBe(true);
    expect(cidrContains(cidr('10.20.0.0/16'), parseAddress('10.21.0.1')!)).toBe(false);
    expect(cidrContains(cidr('fd00:1::/48'), parseAddress('fd00:1:0:ffff::5')!)).toBe(true);
    expect(cidrContains(cidr('fd00:1::/48'), parseAddress('fd00:2::5')!)).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), parseAddress('fd00::1')!)).toBe(false);
    expect(cidrContains(cidr('169.254.9.0/30'), parseAddress('169.254.9.3')!)).toBe(true);
    expect(cidrContains(cidr('169.254.9.0/30'), parseAddress('169.254.9.4')!)).toBe(false);
  });

  it('finds overlaps within a connection and across connections, and not across families', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/8'), cidr('10.5.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(cidrsOverlap(cidr('fd00::/8'), cidr('fd12::/16'))).toBe(true);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
    expect(findOverlap({ name: 'a', networks: ['10.0.0.0/16', '10.0.1.0/24'] }, [])).toEqual({ index: 1, message: '10.0.1.0/24 overlaps 10.0.0.0/16 of the same connection' });
    expect(findOverlap({ name: 'a', networks: ['192.168.0.0/24', 'fd00::/64'] }, [{ name: 'b', networks: ['fd00::/16'] }])).toEqual({
      index: 1,
      message: 'fd00::/64 overlaps fd00::/16 of VPN connection b',
    });
    expect(findOverlap({ name: 'a', networks: ['10.0.0.0/16'] }, [{ name: 'b', networks: ['10.1.0.0/16', 'fd00::/8'] }])).toBeNull();
  });
});

describe('routeHosts', () => {
  const connections = [
    { name: 'east', networks: ['10.1.0.0/16', 'fd00:e::/48'] },
    { name: 'west', networks: ['10.2.0.0/16'] },
  ];

  it('routes by ansible_host, by an id that is an address, and by rnr_vpn, which wins', () => {
    const { routes, unknown } = routeHosts(
      [
        { id: 'db', hostVars: { ansible_host: '10.1.4.5' } },
        { id: '10.2.0.9' },
        { id: 'v6', hostVars: { ansible_host: 'fd00:e::10' } },
        { id: 'pinned', hostVars: { ansible_host: '10.1.0.7', rnr_vpn: 'west' } },
        { id: 'named', hostVars: { ansible_host: 'app.internal', rnr_vpn: 'east' } },
        { id: 'local', hostVars: { ansible_host: '127.0.0.1' } },
        { id: 'by-name', hostVars: { ansible_host: 'db.example.com' } },
        { id: '10.1.0.1', hostVars: { ansible_host: '192.168.1.1' } },
      ],
      connections,
    );
    expect(Object.fromEntries(routes)).toEqual({ db: 'east', '10.2.0.9': 'west', v6: 'east', pinned: 'west', named: 'east' });
    expect(unknown).toEqual([]);
  });

  it('leaves out hosts that Ansible does not reach over ssh', () => {
    const { routes } = routeHosts(
      [
        { id: '10.1.0.1', hostVars: { ansible_connection: 'local' } },
        { id: 'pinned-local', hostVars: { ansible_connection: 'local', rnr_vpn: 'east' } },
        { id: '10.1.0.2', hostVars: { ansible_connection: 'ssh' } },
      ],
      connections,
    );
    expect(Object.fromEntries(routes)).toEqual({ '10.1.0.2': 'east' });
  });

  it('reports rnr_vpn names that match no connection', () => {
    const { routes, unknown } = routeHosts([{ id: 'x', hostVars: { rnr_vpn: 'nowhere' } }], connections);
    expect(routes.size).toBe(0);
    expect(unknown).toEqual([{ host: 'x', name: 'nowhere' }]);
  });

  it('routes nothing without connections', () => {
    expect(routeHosts([{ id: '10.1.0.1' }], []).routes.size).toBe(0);
  });
});
