import { parseGateway } from './vpn';

describe('parseGateway', () => {
  it('reads a host, a host and port, or a bracketed IPv6 address and port', () => {
    expect(parseGateway('gw.example')).toEqual({ host: 'gw.example' });
    expect(parseGateway('169.254.10.1:2222')).toEqual({ host: '169.254.10.1', port: 2222 });
    expect(parseGateway('[fd00::1]:22')).toEqual({ host: 'fd00::1', port: 22 });
    expect(parseGateway('fd00::1')).toEqual({ host: 'fd00::1' });
  });

  it('refuses a port out of range', () => {
    expect(() => parseGateway('gw:70000')).toThrow('the port must be 1-65535');
  });
});
