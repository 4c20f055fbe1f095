import { checkPlaybook, checkPrivateKey, checkRepositoryPath } from './job-validation';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('job validation', () => {
  it('accepts a list of plays and import_playbook entries', () => {
    expect(() => checkPlaybook('playbook', b64('- hosts: all\n  tasks: []\n- import_playbook: other.yml\n'))).not.toThrow();
  });

  it.each([
    ['not base64', '%%%'],
    ['empty', ''],
    ['a mapping', b64('hosts: all')],
    ['an empty list', b64('[]')],
    ['a list of strings', b64('- a\n')],
    ['broken YAML', b64('- hosts: [a\n')],
    ['a play without hosts', b64('- tasks: []\n')],
  ])('refuses a playbook that is %s', (_name, value) => {
    expect(() => checkPlaybook('playbook', value)).toThrow(/^playbook: /);
  });

  it.each(['site.yml', 'a/b/c.yml', 'a/../b.yml', './x.yml'])('accepts the repository path %s', (p) => {
    expect(() => checkRepositoryPath('f', p)).not.toThrow();
  });

  it.each(['/etc/passwd', '../x.yml', 'a/../../x.yml', '..', '.', 'a\\b.yml', 'a\0b'])('refuses the repository path %j', (p) => {
    expect(() => checkRepositoryPath('f', p)).toThrow(/^f: /);
  });

  it('recognises PEM and OpenSSH private keys only', () => {
    expect(() => checkPrivateKey('k', b64('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n'))).not.toThrow();
    expect(() => checkPrivateKey('k', b64('-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----'))).not.toThrow();
    expect(() => checkPrivateKey('k', b64('ssh-ed25519 AAAA public'))).toThrow(/^k: /);
  });
});
