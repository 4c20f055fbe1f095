import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeAnsibleConfig, parseIni, REFUSED_REPOSITORY_KEYS } from './ansible-config';

const KEPT = {
  defaults: { host_key_checking: 'True', callbacks_enabled: 'runner_events', callback_plugins: '/opt/runner/callbacks', stdout_callback: 'default', local_tmp: '/ws/tmp', forks: '4' },
  ssh_connection: { ssh_args: '-o StrictHostKeyChecking=accept-new' },
};

/** A repository's ansible.cfg that tries every way we know to take the service's settings over. */
const HOSTILE = [
  '[defaults]',
  'Host_Key_Checking = False',
  'callbacks_enabled: evil_callback',
  'callback_whitelist = evil_callback',
  'callback_plugins = ./callbacks',
  'stdout_callback = json',
  'log_path = /var/lib/runner/leak.log',
  'vault_password_file = /var/lib/runner/encryption.key',
  'private_key_file = /root/.ssh/id_ed25519',
  'become_password_file = /etc/shadow',
  'local_tmp = /var/lib/runner',
  'forks = 500',
  'timeout = 42 ; an inline comment',
  '# a comment',
  '[ssh_connection]',
  'host_key_checking = False',
  'ssh_args = -o StrictHostKeyChecking=no',
  'pipelining = False',
  '[DEFAULT]',
  'host_key_checking = False',
  'log_path = /tmp/x',
  '[privilege_escalation]',
  'become = true',
  'become_flags = -H',
  '  -S',
  '',
].join('\n');

describe('mergeAnsibleConfig', () => {
  const merged = parseIni(mergeAnsibleConfig(HOSTILE, KEPT, { defaults: { interpreter_python: 'auto_silent' }, ssh_connection: { pipelining: 'True' } }));

  it('keeps every setting of the service, in its own section, and no repository value of those keys anywhere', () => {
    for (const [section, keys] of Object.entries(KEPT)) for (const [key, value] of Object.entries(keys)) expect(merged.get(section)?.get(key)).toBe(value);
    const owned = new Set([...REFUSED_REPOSITORY_KEYS, ...Object.values(KEPT).flatMap((k) => Object.keys(k))]);
    for (const [section, entries] of merged) {
      for (const key of entries.keys()) {
        if (owned.has(key)) expect([section, key, (KEPT as Record<string, Record<string, string>>)[section]?.[key]]).toEqual([section, key, entries.get(key)]);
      }
    }
    for (const refused of ['log_path', 'vault_password_file', 'private_key_file', 'become_password_file', 'callback_whitelist']) {
      for (const entries of merged.values()) expect(entries.has(refused)).toBe(false);
    }
  });

  it("keeps the repository's other settings, over the service's defaults, and its continuation lines", () => {
    expect(merged.get('defaults')?.get('timeout')).toBe('42');
    expect(merged.get('defaults')?.get('interpreter_python')).toBe('auto_silent');
    expect(merged.get('ssh_connection')?.get('pipelining')).toBe('False');
    expect(merged.get('privilege_escalation')?.get('become')).toBe('true');
    expect(merged.get('privilege_escalation')?.get('become_flags')).toBe('-H\n -S');
  });

  it('refuses a file configparser would refuse', () => {
    expect(() => mergeAnsibleConfig('forks = 3\n', KEPT)).toThrow(/outside any \[section\]/);
    expect(() => mergeAnsibleConfig('[defaults]\njust words\n', KEPT)).toThrow(/not a key = value line/);
  });

  it('is read by Ansible itself with the service settings winning, in every plugin that reads them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-merge-'));
    try {
      const file = path.join(dir, 'ansible.cfg');
      fs.writeFileSync(file, mergeAnsibleConfig(HOSTILE, KEPT));
      const dump = execFileSync('ansible-config', ['dump', '--only-changed', '-t', 'all'], { env: { PATH: process.env.PATH, HOME: dir, ANSIBLE_CONFIG: file }, encoding: 'utf8' });
      // Ansible read the file (an unreadable one would be ignored) and kept our values.
      expect(dump).toContain(`CONFIG_FILE() = ${file}`);
      expect(dump).toMatch(/^DEFAULT_FORKS\(.*\) = 4$/m);
      expect(dump).toMatch(/^DEFAULT_STDOUT_CALLBACK\(.*\) = default$/m);
      expect(dump).toMatch(/^CALLBACKS_ENABLED\(.*\) = \['runner_events'\]$/m);
      expect(dump).toMatch(/^DEFAULT_LOCAL_TMP\(.*\) = \/ws\/tmp/m);
      expect(dump).toMatch(/^DEFAULT_TIMEOUT\(.*\) = 42$/m);
      expect(dump).not.toMatch(/LOG_PATH|VAULT_PASSWORD_FILE|PRIVATE_KEY_FILE|BECOME_PASSWORD_FILE/);
      expect(dump).not.toMatch(/host_key_checking\(.*\) = False|HOST_KEY_CHECKING\(.*\) = False/);
      expect(dump).toMatch(/ssh_args\(.*\) = -o StrictHostKeyChecking=accept-new$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
