import { EMPTY_VPN_FORM, gatewayText, networksOf, testAnswerText, vpnBodyOf, vpnFormOf, type VpnConnection } from './vpn-form';

describe('VPN connection form', () => {
  it('reads networks one per line or comma-separated, keeping their order (the API names them by position)', () => {
    expect(networksOf(' 10.20.0.0/16\nfd00:20::/48 , 192.0.2.0/24,,\n\n')).toEqual(['10.20.0.0/16', 'fd00:20::/48', '192.0.2.0/24']);
    expect(networksOf('  \n')).toEqual([]);
  });

  it('round-trips a stored connection through the form into the same PUT body', () => {
    const stored: VpnConnection = {
      id: 'c1',
      name: 'east',
      networks: ['10.20.0.0/16', 'fd00:20::/48'],
      gateway: { host: 'gw.example', port: 2222, username: 'jump', keyPairAlias: 'gw-key' },
      status: 'up',
      lastCheckedTime: 1,
      lastCheckMessage: 'ok',
    };
    expect(vpnBodyOf(vpnFormOf(stored))).toEqual({ name: 'east', networks: stored.networks, gateway: stored.gateway });
  });

  it('leaves an empty port to the API default', () => {
    const form = { ...EMPTY_VPN_FORM, name: ' west ', networks: '10.1.0.0/16', host: ' 10.0.0.1 ', username: 'root', keyPairAlias: 'k' };
    expect(vpnBodyOf({ ...form, port: '' })).toEqual({ name: 'west', networks: ['10.1.0.0/16'], gateway: { host: '10.0.0.1', username: 'root', keyPairAlias: 'k' } });
    expect(vpnBodyOf({ ...form, port: '2222' }).gateway.port).toBe(2222);
  });

  it('writes gateways and test answers for people', () => {
    expect(gatewayText({ host: 'fd00::1', port: 22, username: 'jump', keyPairAlias: 'k' })).toBe('jump@[fd00::1]:22');
    expect(gatewayText({ host: 'gw.example', port: 2222, username: 'jump', keyPairAlias: 'k' })).toBe('jump@gw.example:2222');
    expect(testAnswerText('east', { status: 'up', latencyMs: 41.26, message: 'accepted' })).toBe('east: up (latency 41.3 ms) - accepted');
    expect(testAnswerText('east', { status: 'down', latencyMs: null, message: 'is down' })).toBe('east: down - is down');
  });
});
