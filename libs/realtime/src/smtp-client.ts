import * as net from 'node:net';
import * as tls from 'node:tls';
import { isEmailAddress } from '@app/domain';

/**
 * A minimal SMTP client, for the one thing this service sends: a short notice to a few recipients
 * through the operator's relay (RUNNER_SMTP_URL). Simpler than a mail library with its transports
 * and templates, and it keeps the rules in sight:
 * - `smtp://` upgrades with STARTTLS whenever the server offers it; `smtps://` is TLS from the start;
 * - credentials (the URL's user and password) are only sent over TLS, never in clear;
 * - `timeoutMs` is a deadline on the whole conversation (a server that stalls cannot hold a
 *   delivery slot longer), after which the socket is destroyed;
 * - the envelope's addresses are checked to be plain addresses (no CR/LF can end a command early);
 * - recipients the relay refuses are left out; the message fails only when it refuses them all.
 */
export interface SmtpOptions {
  timeoutMs: number;
  /** Extra TLS options (a test's CA); certificates are verified. */
  tls?: tls.ConnectionOptions;
}

interface Reply {
  code: number;
  lines: string[];
}

/** A server's answer the conversation did not expect; `permanent` for 5xx (retrying will not help). */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Reads whole replies (`250-…` continuation lines up to `250 …`) from whichever socket is current. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private readonly ready: Reply[] = [];
  private waiter: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private socket: net.Socket | null = null;
  private readonly onData = (chunk: Buffer): void => this.take(chunk.toString('utf8'));
  private readonly onEnd = (): void => this.fail(new Error('the SMTP server closed the connection'));
  private readonly onError = (error: Error): void => this.fail(error);

  attach(socket: net.Socket): void {
    if (this.socket) {
      this.socket.off('data', this.onData).off('end', this.onEnd).off('error', this.onError);
    }
    this.socket = socket;
    socket.on('data', this.onData).on('end', this.onEnd).on('error', this.onError);
  }

  next(): Promise<Reply> {
    const reply = this.ready.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.waiter?.reject(this.failure);
    this.waiter = null;
  }

  private take(text: string): void {
    this.buffer += text;
    if (this.buffer.length > 64 * 1024) return this.fail(new Error('the SMTP server sent an over-long reply'));
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) return this.fail(new Error(`the SMTP server answered something that is not SMTP: ${line.slice(0, 80)}`));
      this.lines.push(match[3]);
      if (match[2] !== '-') {
        const reply = { code: Number(match[1]), lines: this.lines };
        this.lines = [];
        if (this.waiter) {
          this.waiter.resolve(reply);
          this.waiter = null;
        } else this.ready.push(reply);
      }
    }
  }
}

/** The socket at once (so a deadline can destroy one still connecting), and when it is connected. */
function connect(url: URL, options: SmtpOptions): { socket: net.Socket; ready: Promise<void> } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const implicitTls = url.protocol === 'smtps:';
  const port = Number(url.port || (implicitTls ? 465 : 25));
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const socket = implicitTls
    ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...options.tls }, () => connected())
    : net.connect({ host, port }, () => connected());
  const failed = new Promise<never>((_, reject) => socket.once('error', reject));
  failed.catch(() => undefined);
  return { socket, ready: Promise.race([ready, failed]) };
}

function upgrade(socket: net.Socket, host: string, options: SmtpOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: net.isIP(host) ? undefined : host, ...options.tls }, () => resolve(secure));
    secure.once('error', reject);
  });
}

/** Sends `message` (headers and body, CRLF line ends) from `from` to `to` through the server at `serverUrl`. */
export async function sendMail(serverUrl: string, from: string, to: string[], message: string, options: SmtpOptions): Promise<void> {
  const url = new URL(serverUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SmtpError('the SMTP URL must start with smtp:// or smtps://', true);
  for (const address of [from, ...to]) if (!isEmailAddress(address)) throw new SmtpError('an envelope address is not a plain e-mail address', true);
  if (!to.length) throw new SmtpError('no recipient', true);
  const reader = new ReplyReader();
  let socket: net.Socket | null = null;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`the SMTP server did not finish within ${options.timeoutMs} ms`);
      reader.fail(error);
      reject(error);
    }, options.timeoutMs);
  });
  const conversation = async (): Promise<void> => {
    const connecting = connect(url, options);
    socket = connecting.socket;
    await connecting.ready;
    reader.attach(socket);
    const expect = async (codes: number[], what: string): Promise<Reply> => {
      const reply = await reader.next();
      if (!codes.includes(reply.code)) {
        throw new SmtpError(`the SMTP server refused ${what}: ${reply.code} ${reply.lines.join(' ').slice(0, 200)}`, reply.code >= 500);
      }
      return reply;
    };
    const command = (line: string, codes: number[], what = line.split(' ')[0]): Promise<Reply> => {
      socket!.write(`${line}\r\n`);
      return expect(codes, what);
    };
    await expect([220], 'the connection');
    let extensions = (await command('EHLO automation-runner', [250])).lines.slice(1).map((l) => l.toUpperCase());
    let secure = url.protocol === 'smtps:';
    if (!secure && extensions.some((e) => e === 'STARTTLS')) {
      await command('STARTTLS', [220]);
      socket = await upgrade(socket, url.hostname.replace(/^\[|\]$/g, ''), options);
      reader.attach(socket);
      secure = true;
      extensions = (await command('EHLO automation-runner', [250])).lines.slice(1).map((l) => l.toUpperCase());
    }
    if (url.username) {
      if (!secure) throw new SmtpError('the SMTP server offers no TLS; the service does not send its SMTP credentials in clear', true);
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      const auth = extensions.find((e) => e.startsWith('AUTH')) ?? '';
      if (/\bPLAIN\b/.test(auth)) {
        await command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`, [235], 'the credentials');
      } else {
        await command('AUTH LOGIN', [334], 'AUTH LOGIN');
        await command(Buffer.from(user).toString('base64'), [334], 'the user name');
        await command(Buffer.from(password).toString('base64'), [235], 'the credentials');
      }
    }
    await command(`MAIL FROM:<${from}>`, [250]);
    // A recipient the relay refuses does not cost the others their message (as with any mail
    // client); only when it takes none is the message refused, for good if every refusal was 5xx.
    const refusals: SmtpError[] = [];
    for (const recipient of to) await command(`RCPT TO:<${recipient}>`, [250, 251], `recipient ${recipient}`).catch((error) => refusals.push(error));
    if (refusals.length === to.length) throw new SmtpError(refusals.map((r) => r.message).join('; '), refusals.every((r) => r.permanent));
    await command('DATA', [354]);
    // Dot-stuffing: a line that starts with "." gets another, so no line of the message ends it early.
    const body = message.replace(/\r?\n/g, '\r\n').replace(/(^|\r\n)\./g, '$1..');
    await command(`${body.endsWith('\r\n') ? body : `${body}\r\n`}.`, [250], 'the message');
    socket.write('QUIT\r\n');
  };
  try {
    await Promise.race([conversation(), deadline]);
    // The message was accepted: the QUIT's answer is not waited for.
    const done = socket as net.Socket | null;
    done?.end();
    setTimeout(() => done?.destroy(), 1000).unref();
  } catch (error) {
    // Refused, broken or out of time: hang up at once, also on a socket still connecting.
    (socket as net.Socket | null)?.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
