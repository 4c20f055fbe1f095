import { CliError, EXIT } from './exit-codes';

/**
 * Writing to the terminal: permanent lines, and on a TTY one "live" line at the bottom that is
 * redrawn in place (the task in progress). On a pipe or a CI log the live line is never written.
 */
export class Screen {
  private live = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  line(text: string): void {
    this.clearLive();
    this.stream.write(text + '\n');
    this.drawLive();
  }

  setLive(text: string | null): void {
    this.update([], text);
  }

  /** Prints `lines` for good, then shows `live` (or nothing) as the line in progress. */
  update(lines: string[], live: string | null): void {
    this.clearLive();
    for (const line of lines) this.stream.write(line + '\n');
    // Cut to the width: a wrapped line could not be redrawn in place.
    const width = (this.stream.columns || 80) - 1;
    this.live = this.tty && live ? (live.length > width ? live.slice(0, width - 1) + '…' : live) : '';
    this.drawLive();
  }

  private clearLive(): void {
    if (this.tty && this.live) this.stream.write('\r\x1b[2K');
  }

  private drawLive(): void {
    if (this.tty && this.live) this.stream.write(this.live);
  }
}

/** Reads a password from the terminal without echoing it; Ctrl-C aborts. */
export function promptPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(
      new CliError(EXIT.usage, 'No password: there is no terminal to ask on. Use --password-stdin or set AUTOMATION_RUNNER_PASSWORD.'),
    );
  }
  return new Promise((resolve, reject) => {
    let password = '';
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (error: Error | null): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(password);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(null);
        if (char === '\u0003') return done(new CliError(EXIT.interrupted, 'Interrupted.'));
        if (char === '\u007f' || char === '\b') password = password.slice(0, -1);
        else if (char >= ' ') password += char;
      }
    };
    input.on('data', onData);
  });
}

/** Everything on standard input, without the final newline (`--password-stdin`, `-f -`). */
export async function readStdin(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
