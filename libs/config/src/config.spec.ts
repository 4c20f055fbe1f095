import { loadConfig } from './config';
import { ConfigError } from './env-values';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, bootstrapAlias: 'DEMO', bootstrapUsername: 'admin', tokenTtlHours: 336 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.workerSlots).toBeGreaterThanOrEqual(2);
    expect(config).toMatchObject({ webhookTimeoutMs: 10_000, webhookHostConcurrency: 2 });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['RUNNER_BOOTSTRAP_ALIAS', 'demo'],
    ['RUNNER_BOOTSTRAP_PASSWORD', 'short'],
    ['RUNNER_ENCRYPTION_KEY', 'too-short'],
    ['RUNNER_WORKER_SLOTS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['RUNNER_WEBHOOK_TIMEOUT_MS', '0'],
    ['RUNNER_WEBHOOK_HOST_CONCURRENCY', '0'],
    ['RUNNER_ALLOWED_ORIGINS', 'console.example.com'],
    ['RUNNER_ALLOWED_ORIGINS', 'https://console.example.com/app'],
    ['RUNNER_ALLOWED_ORIGINS', 'https://a.example, ftp://b.example'],
    ['RUNNER_ALLOWED_ORIGINS', '*'],
    ['RUNNER_PROBE_ALLOW_INTERNAL', 'yes'],
    ['RUNNER_RUN_API_URL', '127.0.0.1:8080'],
    ['RUNNER_RUN_API_URL', 'ftp://runner.example'],
    ['RUNNER_RUN_API_URL', 'http://user:secret@runner.example'],
    ['RUNNER_RUN_API_URL', 'http://runner.example/?x=1'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('accepts a 32-byte key as hex or base64', () => {
    expect(loadConfig({ RUNNER_ENCRYPTION_KEY: 'ab'.repeat(32) }).encryptionKey).toEqual(Buffer.alloc(32, 0xab));
    const b64 = Buffer.alloc(32, 1).toString('base64');
    expect(loadConfig({ RUNNER_ENCRYPTION_KEY: b64 }).encryptionKey).toEqual(Buffer.alloc(32, 1));
  });

  it('reads RUNNER_ALLOWED_ORIGINS as a list of origins, none by default', () => {
    expect(loadConfig({}).allowedOrigins).toEqual([]);
    expect(loadConfig({ RUNNER_ALLOWED_ORIGINS: 'https://Console.example.com, http://localhost:5173/,' }).allowedOrigins).toEqual([
      'https://console.example.com',
      'http://localhost:5173',
    ]);
  });

  it('keeps the probe guard on unless told, and refuses half a TLS setup', () => {
    expect(loadConfig({}).probeAllowInternal).toBe(false);
    expect(loadConfig({ RUNNER_PROBE_ALLOW_INTERNAL: 'true' }).probeAllowInternal).toBe(true);
    expect(loadConfig({}).tls).toBeUndefined();
    expect(loadConfig({ RUNNER_TLS_CERT: '/etc/runner/cert.pem', RUNNER_TLS_KEY: '/etc/runner/key.pem' }).tls).toEqual({ certFile: '/etc/runner/cert.pem', keyFile: '/etc/runner/key.pem' });
    expect(() => loadConfig({ RUNNER_TLS_CERT: '/etc/runner/cert.pem' })).toThrow(/^Invalid configuration: RUNNER_TLS_KEY must be set with RUNNER_TLS_CERT/);
    expect(() => loadConfig({ RUNNER_TLS_KEY: '/etc/runner/key.pem' })).toThrow(/^Invalid configuration: RUNNER_TLS_CERT must be set with RUNNER_TLS_KEY/);
  });

  it("gives runs the API on loopback at the API's port unless told, without a trailing slash", () => {
    expect(loadConfig({}).runApiUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ PORT: '9000' }).runApiUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ RUNNER_RUN_API_URL: 'https://runner.example:8443/' }).runApiUrl).toBe('https://runner.example:8443');
    expect(loadConfig({ RUNNER_RUN_API_URL: 'http://10.0.0.5/runner/' }).runApiUrl).toBe('http://10.0.0.5/runner');
  });

  it('takes an SMTP relay with its sender, both or neither, and never echoes the URL (it may hold a password)', () => {
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(loadConfig({ RUNNER_SMTP_URL: 'smtp://relay:pw@mail.example.com:587', RUNNER_SMTP_FROM: 'runner@example.com' }).smtp).toEqual({
      url: 'smtp://relay:pw@mail.example.com:587',
      from: 'runner@example.com',
    });
    expect(() => loadConfig({ RUNNER_SMTP_URL: 'smtp://mail.example.com' })).toThrow(/RUNNER_SMTP_FROM/);
    expect(() => loadConfig({ RUNNER_SMTP_FROM: 'runner@example.com' })).toThrow(/RUNNER_SMTP_URL/);
    expect(() => loadConfig({ RUNNER_SMTP_URL: 'smtp://mail.example.com', RUNNER_SMTP_FROM: 'Runner <runner@example.com>' })).toThrow(/RUNNER_SMTP_FROM/);
    for (const url of ['http://relay:hunter2secret@mail.example.com', 'smtp://relay:hunter2secret@mail.example.com/x', 'smtp:relay:hunter2secret']) {
      let problem = '';
      try {
        loadConfig({ RUNNER_SMTP_URL: url, RUNNER_SMTP_FROM: 'runner@example.com' });
      } catch (error) {
        problem = (error as Error).message;
      }
      expect(problem).toMatch(/RUNNER_SMTP_URL must be smtp:/);
      expect(problem).not.toContain('hunter2secret');
    }
  });

  it('links notifications under RUNNER_PUBLIC_URL, the local console by default', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ RUNNER_PUBLIC_URL: 'https://runner.example.com/' }).publicUrl).toBe('https://runner.example.com');
    expect(() => loadConfig({ RUNNER_PUBLIC_URL: 'ftp://x' })).toThrow(ConfigError);
  });
});
