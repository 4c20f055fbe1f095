import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { io } from 'socket.io-client';
import { selfSigned } from '../support/certificates';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ADMIN_PASSWORD, ApiHandle, startApi, startProcess, tempDir, TEST_ENCRYPTION_KEY } from '../support/processes';

/** A real HTTPS request with Node's client, trusting only `ca`. */
function request(url: string, ca: Buffer | undefined, method = 'GET', body?: object): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const req = https.request(url, { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the api serves TLS itself (RUNNER_TLS_CERT / RUNNER_TLS_KEY)', () => {
  let db: TestDatabase;
  let api: ApiHandle;
  let dir: string;
  let files: { cert: string; key: string };
  let base: string;
  let ca: Buffer;

  beforeAll(async () => {
    dir = tempDir('runner-tls-');
    files = selfSigned(dir, 'api');
    ca = fs.readFileSync(files.cert);
    db = await createTestDatabase();
    api = await startApi(db.url, { RUNNER_TLS_CERT: files.cert, RUNNER_TLS_KEY: files.key });
    base = api.url.replace(/^http:/, 'https:');
  });
  afterAll(async () => {
    await api?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers HTTPS with its certificate, which a client that does not trust it refuses', async () => {
    expect(api.process.output()).toMatch(/"msg":"api listening","port":\d+,"scheme":"https"/);
    const health = await request(`${base}/healthz`, ca);
    expect(health.status).toBe(200);
    await expect(request(`${base}/healthz`, undefined)).rejects.toThrow(/self[- ]signed/i);
    const login = await request(`${base}/v2/authentication/login`, ca, 'POST', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(typeof login.body.bearerToken).toBe('string');
  });

  it('serves socket.io over wss', async () => {
    const token = (await request(`${base}/v2/authentication/login`, ca, 'POST', { username: 'admin', password: ADMIN_PASSWORD })).body.bearerToken;
    const socket = io(`${base}/automation`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, ca: ca.toString() });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('websocket');
      expect(await socket.timeout(10_000).emitWithAck('subscribe', { accountAlias: 'DEMO' })).toEqual({ ok: true });
    } finally {
      socket.disconnect();
    }
  });

  it('refuses to boot with a missing file or a key that is not the certificate\'s, naming the variable', async () => {
    const env = { PORT: '0', RUNNER_LISTEN_HOST: '127.0.0.1', DATABASE_URL: db.url, RUNNER_DATA_DIR: dir, RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
    const missing = startProcess('api', { ...env, RUNNER_TLS_CERT: path.join(dir, 'nope.crt'), RUNNER_TLS_KEY: files.key });
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toMatch(/api: cannot start: RUNNER_TLS_CERT: cannot read .*nope\.crt: no such file/);

    const other = selfSigned(dir, 'other');
    const mismatched = startProcess('api', { ...env, RUNNER_TLS_CERT: files.cert, RUNNER_TLS_KEY: other.key });
    expect(await mismatched.exited).toBe(1);
    expect(mismatched.output()).toMatch(/api: cannot start: RUNNER_TLS_KEY \(.*other\.key\) cannot serve RUNNER_TLS_CERT/);
    // The key never reaches the output.
    expect(mismatched.output()).not.toContain(fs.readFileSync(other.key, 'utf8').split('\n')[1]);

    const half = startProcess('api', { ...env, RUNNER_TLS_CERT: files.cert });
    expect(await half.exited).toBe(1);
    expect(half.output()).toMatch(/RUNNER_TLS_KEY must be set with RUNNER_TLS_CERT/);
  });
});
