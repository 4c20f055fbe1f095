import * as fs from 'node:fs';
import { sendMail, SmtpError } from '../../libs/realtime/src/smtp-client';
import { selfSigned } from '../support/certificates';
import { tempDir } from '../support/processes';
import { TestSmtpServer } from '../support/smtp-server';
import { until } from '../support/webhook-servers';

// The service's SMTP client against a real SMTP server on loopback: STARTTLS whenever offered,
// credentials only over TLS, dot-stuffing, refused recipients, and the deadline.
const MESSAGE = 'Subject: hi\r\n\r\n.a line that starts with a dot\r\n.\r\nlast line\r\n';

describe('SMTP client', () => {
  let dir: string;
  let ca: Buffer;
  let files: { cert: string; key: string };
  beforeAll(() => {
    dir = tempDir('runner-smtp-');
    files = selfSigned(dir, 'smtp');
    ca = fs.readFileSync(files.cert);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function withServer(server: TestSmtpServer, work: () => Promise<void>): Promise<void> {
    await server.start();
    try {
      await work();
    } finally {
      await server.stop();
    }
  }

  it('upgrades with STARTTLS when offered, then logs in and sends; every command after the upgrade is on TLS', async () => {
    const server = new TestSmtpServer({ cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) });
    await withServer(server, async () => {
      await sendMail(`smtp://relay%40runner.test:p%40ss@127.0.0.1:${server.port}`, 'runner@runner.test', ['ops@runner.test'], MESSAGE, { timeoutMs: 10_000, tls: { ca } });
      expect(server.logins).toEqual([{ user: 'relay@runner.test', password: 'p@ss', secure: true }]);
      const upgrade = server.commands.findIndex((c) => c.line === 'STARTTLS');
      expect(upgrade).toBeGreaterThan(0);
      expect(server.commands.slice(upgrade + 1).every((c) => c.secure)).toBe(true);
      expect(server.messages).toHaveLength(1);
      // Dot-stuffed on the wire, whole again when received: a line of "." did not end the message.
      expect(server.messages[0].data).toBe(MESSAGE);
    });
  });

  it('refuses to send credentials to a server that offers no TLS, and says so', async () => {
    const server = new TestSmtpServer();
    await withServer(server, async () => {
      const sending = sendMail(`smtp://relay:secret-password@127.0.0.1:${server.port}`, 'runner@runner.test', ['ops@runner.test'], MESSAGE, { timeoutMs: 10_000 });
      await expect(sending).rejects.toThrow(/offers no TLS/);
      expect(server.commands.map((c) => c.line).join('\n')).not.toContain('AUTH');
      expect(server.messages).toHaveLength(0);
    });
  });

  it('does not trust a certificate it cannot verify', async () => {
    const server = new TestSmtpServer({ cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) });
    await withServer(server, async () => {
      await expect(sendMail(`smtp://127.0.0.1:${server.port}`, 'runner@runner.test', ['ops@runner.test'], MESSAGE, { timeoutMs: 10_000 })).rejects.toThrow(/certificate/);
      expect(server.messages).toHaveLength(0);
    });
  });

  it('leaves out a refused recipient, and fails for good when every one is refused', async () => {
    const server = new TestSmtpServer();
    server.refuse.add('nobody@runner.test');
    await withServer(server, async () => {
      await sendMail(`smtp://127.0.0.1:${server.port}`, 'runner@runner.test', ['nobody@runner.test', 'ops@runner.test'], MESSAGE, { timeoutMs: 10_000 });
      expect(server.messages.map((m) => m.to)).toEqual([['ops@runner.test']]);
      const refused = await sendMail(`smtp://127.0.0.1:${server.port}`, 'runner@runner.test', ['nobody@runner.test'], MESSAGE, { timeoutMs: 10_000 }).catch((e) => e);
      expect(refused).toBeInstanceOf(SmtpError);
      expect(refused.permanent).toBe(true);
      expect(server.messages).toHaveLength(1);
    });
  });

  it('refuses an envelope address with CR/LF before connecting', async () => {
    const server = new TestSmtpServer();
    await withServer(server, async () => {
      const sending = sendMail(`smtp://127.0.0.1:${server.port}`, 'runner@runner.test', ['ops@runner.test>\r\nRCPT TO:<victim@evil.test'], MESSAGE, { timeoutMs: 10_000 });
      await expect(sending).rejects.toThrow(/not a plain e-mail address/);
      expect(server.commands).toEqual([]);
    });
  });

  it('gives up on a server that never answers at its deadline, and hangs up', async () => {
    const server = new TestSmtpServer();
    server.silent = true;
    await withServer(server, async () => {
      await expect(sendMail(`smtp://127.0.0.1:${server.port}`, 'runner@runner.test', ['ops@runner.test'], MESSAGE, { timeoutMs: 500 })).rejects.toThrow(/did not finish within 500 ms/);
      // It hung up: a stalled relay does not collect the service's sockets.
      await until(() => server.open === 0, 10_000, 'the client hung up');
    });
  });
});
