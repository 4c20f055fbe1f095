import * as net from 'node:net';
import * as tls from 'node:tls';

/** One message as the test SMTP server received it: the envelope, the raw data, its parsed header block and decoded text. */
export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  /** Header names (lower case) → values, unfolded, in order. */
  headers: [string, string][];
  subject: string;
  text: string;
}

/** RFC 2047 encoded-words (B and Q) → text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, how: string, text: string) =>
      how.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))),
    );
}

/**
 * A small SMTP server on 127.0.0.1 (a free port), enough for the service's client: EHLO, MAIL,
 * RCPT, DATA, QUIT; with `tls` (a certificate) it offers STARTTLS, and AUTH PLAIN once the
 * connection is secure. A recipient in `refuse` gets 550 (a permanent refusal); `silent` makes it
 * accept connections and never say a word.
 */
export class TestSmtpServer {
  port = 0;
  readonly messages: ReceivedMail[] = [];
  readonly refuse = new Set<string>();
  /** Every command line received, with whether the connection was TLS by then. */
  readonly commands: { line: string; secure: boolean }[] = [];
  /** AUTH PLAIN credentials received (decoded). */
  readonly logins: { user: string; password: string; secure: boolean }[] = [];
  silent = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.serve(socket));

  constructor(private readonly tls?: { cert: string | Buffer; key: string | Buffer }) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Connections still open (a client that gave up has hung up). */
  get open(): number {
    return this.sockets.size;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(raw: net.Socket): void {
    this.sockets.add(raw);
    raw.on('close', () => this.sockets.delete(raw));
    raw.on('error', () => undefined);
    if (this.silent) return;
    let socket: net.Socket = raw;
    let secure = false;
    let buffer = '';
    let inData = false;
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string): boolean => socket.write(`${line}\r\n`);
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end + 2).replace(/(^|\r\n)\.\./g, '$1.');
          buffer = buffer.slice(end + 5);
          inData = false;
          this.messages.push(parse(envelope, data));
          envelope = { from: '', to: [] };
          reply('250 queued');
          continue;
        }
        const at = buffer.indexOf('\r\n');
        if (at < 0) return;
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        this.commands.push({ line, secure });
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          const offers = [this.tls && !secure ? 'STARTTLS' : '', secure ? 'AUTH PLAIN' : ''].filter(Boolean);
          reply(['test-smtp', '8BITMIME', ...offers].map((o, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${o}`).join('\r\n'));
        } else if (verb === 'STARTTLS' && this.tls && !secure) {
          reply('220 go ahead');
          raw.off('data', onData);
          const upgraded = new tls.TLSSocket(raw, { isServer: true, cert: this.tls.cert, key: this.tls.key });
          upgraded.on('error', () => undefined);
          upgraded.on('data', onData);
          socket = upgraded;
          secure = true;
          return;
        } else if (verb === 'AUTH' && secure) {
          const [user, password] = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8').split('\0').slice(1);
          this.logins.push({ user, password, secure });
          reply('235 welcome');
        } else if (verb === 'MAIL') {
          envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 ok');
        } else if (verb === 'RCPT') {
          const to = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (this.refuse.has(to)) reply('550 no such user');
          else {
            envelope.to.push(to);
            reply('250 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 go ahead');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else reply('502 not implemented');
      }
    };
    raw.on('data', onData);
    reply('220 test-smtp ready');
  }
}

function parse(envelope: { from: string; to: string[] }, data: string): ReceivedMail {
  const split = data.indexOf('\r\n\r\n');
  const head = data.slice(0, split);
  const body = data.slice(split + 4);
  const headers: [string, string][] = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += line;
    else {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
    }
  }
  const header = (name: string): string => headers.find(([n]) => n === name)?.[1] ?? '';
  const text = /base64/i.test(header('content-transfer-encoding')) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { from: envelope.from, to: envelope.to, data, headers, subject: decodeWords(header('subject')), text };
}
