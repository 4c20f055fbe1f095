import { NOT_ACCEPTED, sshFailure } from './ssh-failure';
import { ProbeRefused } from './probe-target';

const failure = (message: string, extra: { code?: string; level?: string }) => Object.assign(new Error(message), extra);

describe('SSH failure messages', () => {
  it('says the same for a closed port, a filtered one, no route and a port that is not SSH', () => {
    const said = [
      failure('connect ECONNREFUSED 10.0.0.1:22', { code: 'ECONNREFUSED', level: 'client-socket' }),
      failure('Timed out while waiting for handshake', { level: 'client-timeout' }),
      failure('connect ETIMEDOUT 10.0.0.1:22', { code: 'ETIMEDOUT', level: 'client-socket' }),
      failure('connect EHOSTUNREACH 10.0.0.1:22', { code: 'EHOSTUNREACH', level: 'client-socket' }),
      failure('connect ENETUNREACH 10.0.0.1:22', { code: 'ENETUNREACH', level: 'client-socket' }),
      failure('read ECONNRESET', { code: 'ECONNRESET', level: 'client-socket' }),
      failure('Connection lost before handshake', { level: 'client-socket' }),
      failure('Bad identification start', { level: 'protocol' }),
    ].map((error) => sshFailure(error, 'refused'));
    expect(new Set(said)).toEqual(new Set([NOT_ACCEPTED]));
  });

  it('tells what the tenant can act on: a name that does not resolve, refused credentials, a refused address', () => {
    expect(sshFailure(failure('getaddrinfo ENOTFOUND gw.example', { code: 'ENOTFOUND' }), 'refused')).toBe('its name does not resolve');
    expect(sshFailure(failure('All configured authentication methods failed', { level: 'client-authentication' }), 'it refused the key pair')).toBe('it refused the key pair');
    expect(sshFailure(new ProbeRefused('127.0.0.1 is a loopback address; …'), 'refused')).toBe('127.0.0.1 is a loopback address; …');
  });
});
