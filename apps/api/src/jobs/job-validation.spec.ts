import { checkPrivateKey } from '../common/encoded-fields';
import { checkJobRequest, checkPlaybook, checkRepositoryPath } from './job-validation';
import type { JobRequest } from './job.dto';

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

  it.each(['fd00::1', '2001:db8::8:800:200c:417a', '::ffff:10.0.0.1'])('accepts the IPv6 address %s as a host id', (id) => {
    expect(() => checkJobRequest({ playbook: b64('- hosts: all\n'), hosts: [{ id }] } as JobRequest)).not.toThrow();
  });

  it.each(['x:all', 'a:b:c', ':::::::::::'])('refuses %s, a host id with colons that is no IPv6 address', (id) => {
    expect(() => checkJobRequest({ playbook: b64('- hosts: all\n'), hosts: [{ id }] } as JobRequest)).toThrow(/^hosts\.0\.id: /);
  });

  it('checks each repository inventory as a repository path, naming it', () => {
    const job = (inventory: string[]): JobRequest => ({ repository: { url: 'https://git.example/r.git', defaultPlaybook: 'site.yml', inventory } }) as JobRequest;
    expect(() => checkJobRequest(job(['inventories/prod', 'hosts.ini']))).not.toThrow();
    expect(() => checkJobRequest(job(['inventories/prod', 'inventories/../../etc']))).toThrow(/^repository\.inventory\.1: must stay inside the repository/);
    expect(() => checkJobRequest(job(['/etc/ansible/hosts']))).toThrow(/^repository\.inventory\.0: /);
  });

  it('recognises PEM and OpenSSH private keys only', () => {
    expect(() => checkPrivateKey('k', b64('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n'))).not.toThrow();
    expect(() => checkPrivateKey('k', b64('-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----'))).not.toThrow();
    expect(() => checkPrivateKey('k', b64('ssh-ed25519 AAAA public'))).toThrow(/^k: /);
  });
});
