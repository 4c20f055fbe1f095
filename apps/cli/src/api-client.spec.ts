import { httpError, unreachable } from './api-client';
import { EXIT } from './exit-codes';

describe('API errors → CLI messages and exit codes', () => {
  it('maps each kind of refusal to its own exit code', () => {
    expect(httpError('u', 401, { message: 'The bearer token is invalid, expired or revoked' })).toMatchObject({
      code: EXIT.auth,
      message: expect.stringContaining('The server refused the token (The bearer token is invalid, expired or revoked). Log in again'),
    });
    expect(httpError('u', 403, { message: 'nope' }).code).toBe(EXIT.auth);
    expect(httpError('u', 404, { message: 'Job x not found' }, '"automation-runner jobs list" shows the jobs.')).toMatchObject({
      code: EXIT.notFound,
      message: 'Job x not found. "automation-runner jobs list" shows the jobs.',
    });
    expect(httpError('u', 503, { message: 'down' }).code).toBe(EXIT.serverDown);
    expect(httpError('u', 409, { message: 'busy' })).toMatchObject({ code: EXIT.refused, status: 409 });
  });

  it('lists each invalid field once', () => {
    const error = httpError('u', 400, {
      message: 'hosts.0.id: bad',
      errors: [
        { field: 'hosts.0.id', message: 'bad' },
        { field: 'forks', message: 'too small' },
      ],
    });
    expect(error.message).toBe('The server refused the request (400): hosts.0.id: bad\n  forks: too small');
  });

  it('explains a connection that failed before any answer', () => {
    const refused = unreachable('http://127.0.0.1:9', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(refused).toMatchObject({ code: EXIT.serverDown });
    expect(refused.message).toContain('Cannot reach the automation-runner server at http://127.0.0.1:9 (ECONNREFUSED)');
    expect(unreachable('u', Object.assign(new Error('t'), { name: 'TimeoutError' })).message).toContain('no answer within 30 s');
  });
});
