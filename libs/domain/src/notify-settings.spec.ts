import { isEmailAddress, notifyOutcome, splitNotify } from './notify-settings';
import { STORED_SECRET } from './secret-variables';

describe('notify settings', () => {
  it.each(['ops@example.com', 'first.last+runs@mail.example.co.uk', "o'brien@example.com"])('accepts %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    'ops@example.com\r\nBcc: victim@evil.test',
    'ops@example.com\nBcc: victim@evil.test',
    'ops@example.com>\r\nRCPT TO:<victim@evil.test',
    'Ops <ops@example.com>',
    'ops@example.com,victim@evil.test',
    'ops @example.com',
    'ops@',
    '@example.com',
    'ops@-example.com',
    'ops@example.com\u0000',
    `${'a'.repeat(65)}@example.com`,
  ])('refuses %j', (address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it('says which runs notify: success, failure (also init failures and kills), and a stop only for always', () => {
    expect(notifyOutcome('SUCCESS')).toBe('success');
    for (const status of ['FAILURE', 'INIT_FAILURE', 'KILLED'] as const) expect(notifyOutcome(status)).toBe('failure');
    expect(notifyOutcome('STOPPED')).toBeNull();
  });

  it('seals the chat URL: shows STORED_SECRET and the origin, keeps the stored URL when sent back, refuses keeping nothing', () => {
    const url = 'https://hooks.example.com/services/T0/B0/secret-part';
    const split = splitNotify('notify', { chat: { url, on: 'failure' } }, undefined);
    expect(split).toEqual({ shown: { chat: { url: STORED_SECRET, on: 'failure', origin: 'https://hooks.example.com' } }, chatUrl: url });
    expect(JSON.stringify(split.shown)).not.toContain('secret-part');
    expect(splitNotify('notify', { chat: { url: STORED_SECRET, on: 'always' } }, url).chatUrl).toBe(url);
    expect(() => splitNotify('notify', { chat: { url: STORED_SECRET, on: 'always' } }, undefined)).toThrow(/no chat URL is stored/);
    // A chat URL's user and password are not part of its origin either.
    expect(splitNotify('notify', { chat: { url: 'https://user:pw@hooks.example.com/x', on: 'always' } }, undefined).shown.chat!.origin).toBe('https://hooks.example.com');
  });

  it('refuses a bad or repeated recipient, naming it', () => {
    expect(() => splitNotify('notify', { email: { to: ['ops@example.com', 'bad\r\nBcc: x@y.z'], on: 'always' } }, undefined)).toThrow(/notify\.email\.to\.1/);
    expect(() => splitNotify('notify', { email: { to: ['ops@example.com', 'OPS@example.com'], on: 'always' } }, undefined)).toThrow(/duplicates/);
  });
});
