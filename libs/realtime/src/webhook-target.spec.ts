import { callbackUrlProblem, forbiddenAddress } from './webhook-target';

describe('webhook targets (SSRF guard)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00:ec2::254', 'fe80::1', '::ffff:127.0.0.1'])(
    'refuses %s',
    (address) => expect(forbiddenAddress(address)).not.toBeNull(),
  );

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '1.1.1.1'])('allows %s', (address) => {
    expect(forbiddenAddress(address)).toBeNull();
  });

  it('checks literal and local names without needing DNS, and honours the allow switch', async () => {
    expect(await callbackUrlProblem('http://127.0.0.1:8080/hook', false)).toMatch(/loopback/);
    expect(await callbackUrlProblem('http://[::1]/hook', false)).toMatch(/loopback/);
    expect(await callbackUrlProblem('http://localhost/hook', false)).toMatch(/loopback/);
    expect(await callbackUrlProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
  });
});
