import { configPath, normalizeUrl, resolveConnection } from './config';
import { EXIT } from './exit-codes';

describe('CLI configuration', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x/conf' })).toBe('/x/conf/automation-runner/config.json');
    expect(configPath({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/automation-runner\/config\.json$/);
    expect(configPath({})).toMatch(/\/\.config\/automation-runner\/config\.json$/);
  });

  it('takes flags over the environment over the file', () => {
    const stored = { url: 'http://file:1', token: 'file-token', accountAlias: 'FILE' };
    expect(resolveConnection({}, {}, stored)).toEqual({ url: 'http://file:1', token: 'file-token', accountAlias: 'FILE' });
    const env = { AUTOMATION_RUNNER_URL: 'http://env:2/', AUTOMATION_RUNNER_TOKEN: 'env-token', AUTOMATION_RUNNER_ACCOUNT: 'ENV' };
    expect(resolveConnection({}, env, stored)).toEqual({ url: 'http://env:2', token: 'env-token', accountAlias: 'ENV' });
    expect(resolveConnection({ url: 'https://flag', account: 'FLAG' }, env, stored)).toEqual({ url: 'https://flag', token: 'env-token', accountAlias: 'FLAG' });
  });

  it('says how to log in when there is no server at all', () => {
    expect(() => resolveConnection({}, {}, {})).toThrow(expect.objectContaining({ code: EXIT.auth, message: expect.stringContaining('automation-runner login --url') }));
  });

  it('accepts only plain http(s) URLs', () => {
    expect(normalizeUrl('http://localhost:8080/')).toBe('http://localhost:8080');
    expect(() => normalizeUrl('localhost:8080')).toThrow(/must start with http/);
    expect(() => normalizeUrl('not a url')).toThrow(/is not a URL/);
    expect(() => normalizeUrl('http://admin:pw@host')).toThrow(/no user name or password in the URL/);
  });
});
