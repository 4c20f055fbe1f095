import { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { RunnerConfig } from './runner-config';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs through pino: one JSON object per line on stdout (`{level, time, service, msg,
 * …fields}`), or readable lines when a person watches a terminal. Callers pass fields, never request
 * bodies, so secrets cannot reach a log line by accident. Writes are synchronous: a line logged
 * just before the process exits is not lost.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(service: string, minimum: RunnerConfig['logLevel'] = 'info', format: RunnerConfig['logFormat'] = 'auto') {
    const readable = format === 'pretty' || (format === 'auto' && !!process.stdout.isTTY);
    this.pino = pino(
      {
        base: { service },
        level: minimum,
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      readable ? readableLines(process.stdout) : pino.destination({ dest: 1, sync: true }),
    );
  }

  write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    // The message inside the object, first: pino would put a separate message last, and `"msg":"api
    // listening","port":…` (as every line has read so far) is what people and scripts look for.
    this.pino[level]({ msg, ...fields });
  }

  log(message: unknown, context?: string): void {
    this.write('info', String(message), context ? { context } : {});
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stackOrContext && context) fields.stack = stackOrContext;
    else if (stackOrContext) fields.context = stackOrContext;
    this.write('error', message instanceof Error ? message.message : String(message), fields);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', String(message), context ? { context } : {});
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
  verbose(message: unknown, context?: string): void {
    this.debug(message, context);
  }
}

const COLOURS: Record<string, string> = { debug: '\x1b[2m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };

/** `04:16:41.211 INFO  api  listening  port=8080`: pino's JSON line, for a person. */
export function readableLine(json: string, colour: boolean): string {
  const { level, time, service, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const label = String(level).toUpperCase().padEnd(5);
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const head = colour ? `${COLOURS[String(level)] ?? ''}${label}\x1b[0m` : label;
  return [clock, head, service, msg, ...rest].filter((part) => part !== undefined && part !== '').join('  ') + '\n';
}

function readableLines(out: NodeJS.WriteStream): DestinationStream {
  return { write: (line: string) => void out.write(readableLine(line, !!out.isTTY)) };
}
