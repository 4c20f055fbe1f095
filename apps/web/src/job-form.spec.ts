import {
  FormProblem,
  formatHostVars,
  hostsFromRows,
  notifyFormOf,
  notifyFromForm,
  parseHostVars,
  playbookProblem,
  propertiesFromRows,
  rowsFromProperties,
  rowsFromVaultPasswords,
  vaultPasswordsFromRows,
} from './job-form';

describe('job form', () => {
  it('sends vault passwords typed, keeps stored ones left empty, and needs a password for a new vault id', () => {
    const stored = { prod: '$encrypted$', old: '$encrypted$' };
    const rows = rowsFromVaultPasswords(stored);
    expect(rows).toEqual([{ name: 'prod', value: '' }, { name: 'old', value: '' }]);
    // "old" removed, "prod" kept, "dev" new.
    expect(vaultPasswordsFromRows([rows[0], { name: 'dev', value: 'dev-password' }, { name: '', value: '' }], stored)).toEqual({ prod: '$encrypted$', dev: 'dev-password' });
    expect(vaultPasswordsFromRows([], stored)).toBeUndefined();
    expect(() => vaultPasswordsFromRows([{ name: 'dev', value: '' }], stored)).toThrow(expect.objectContaining({ field: 'vaultPasswords.dev' }));
    expect(() => vaultPasswordsFromRows([{ name: '', value: 'pw-without-id' }], stored)).toThrow(expect.objectContaining({ field: 'vaultPasswords.0' }));
  });

  it('reads host variables written inventory style, and writes them back the same way', () => {
    expect(parseHostVars(' ansible_host=10.0.0.5  ansible_port=2222 note=a=b ', 'hosts.0.hostVars')).toEqual({ ansible_host: '10.0.0.5', ansible_port: '2222', note: 'a=b' });
    expect(formatHostVars({ ansible_connection: 'local', retries: 3 })).toBe('ansible_connection=local retries=3');
    expect(() => parseHostVars('ansible_host', 'hosts.1.hostVars')).toThrow(FormProblem);
  });

  it('skips empty host rows and names the row of a host without a name', () => {
    expect(hostsFromRows([{ name: 'web-1', value: '' }, { name: ' ', value: ' ' }])).toEqual([{ id: 'web-1', hostVars: {} }]);
    try {
      hostsFromRows([{ name: 'a', value: '' }, { name: '', value: 'x=1' }]);
      throw new Error('accepted a host without a name');
    } catch (e) {
      expect((e as FormProblem).field).toBe('hosts.1.id');
    }
  });

  it('keeps the YAML types of property values and round-trips them', () => {
    const properties = propertiesFromRows([
      { name: 'count', value: '3' },
      { name: 'enabled', value: 'true' },
      { name: 'zones', value: '[a, b]' },
      { name: 'greeting', value: 'hello world' },
      { name: '', value: '' },
    ]);
    expect(properties).toEqual({ count: 3, enabled: true, zones: ['a', 'b'], greeting: 'hello world' });
    expect(propertiesFromRows(rowsFromProperties(properties))).toEqual(properties);
    expect(() => propertiesFromRows([{ name: 'bad', value: '[unclosed' }])).toThrow(expect.objectContaining({ field: 'properties.bad', message: expect.stringMatching(/^Flow sequence must end/) }));
  });

  it('accepts a list of plays and explains anything else with its line', () => {
    expect(playbookProblem('- hosts: all\n  tasks: []\n')).toBeNull();
    expect(playbookProblem('')).toMatch(/empty/);
    expect(playbookProblem('hosts: all\n')).toMatch(/list of plays/);
    expect(playbookProblem('- hosts: all\n  tasks: [\n')).toMatch(/^line \d+:/);
  });
});

describe('job form: notifications', () => {
  it('reads a stored notify without its chat URL, and sends "$encrypted$" back to keep it', () => {
    const form = notifyFormOf({ email: { to: ['ops@example.com', 'oncall@example.com'], on: 'failure' }, chat: { url: '$encrypted$', on: 'always', origin: 'https://hooks.example.com' } });
    expect(form).toEqual({ mode: 'own', emails: 'ops@example.com, oncall@example.com', emailOn: 'failure', chatUrl: '', chatOn: 'always', chatStored: true });
    expect(notifyFromForm(form)).toEqual({ email: { to: ['ops@example.com', 'oncall@example.com'], on: 'failure' }, chat: { url: '$encrypted$', on: 'always' } });
    expect(notifyFromForm({ ...form, chatUrl: 'https://hooks.example.com/new' })!.chat!.url).toBe('https://hooks.example.com/new');
  });

  it('sends no notify for the account default, {} for no one, and names what is missing', () => {
    expect(notifyFormOf(undefined).mode).toBe('default');
    expect(notifyFromForm(notifyFormOf(undefined))).toBeUndefined();
    expect(notifyFromForm({ ...notifyFormOf(undefined), mode: 'own' })).toEqual({});
    expect(() => notifyFromForm({ ...notifyFormOf(undefined), mode: 'own', emailOn: 'failure' })).toThrow(/at least one address/);
    expect(() => notifyFromForm({ ...notifyFormOf(undefined), mode: 'own', chatOn: 'always' })).toThrow(/incoming-webhook URL/);
  });
});
