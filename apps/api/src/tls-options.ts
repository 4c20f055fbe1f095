import * as fs from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { RunnerConfig } from '@app/config';

/**
 * The api's HTTPS options from RUNNER_TLS_CERT / RUNNER_TLS_KEY, read once at start. Anything
 * wrong (a missing or unreadable file, not PEM, a key that is not the certificate's) stops the
 * boot with a line naming the variable, rather than a server that fails every handshake later.
 * Messages name the files, never their content.
 */
export function httpsOptions(tls: RunnerConfig['tls']): { cert: Buffer; key: Buffer } | undefined {
  if (!tls) return undefined;
  const cert = readPem('RUNNER_TLS_CERT', tls.certFile, /-----BEGIN CERTIFICATE-----/, 'a PEM certificate');
  const key = readPem('RUNNER_TLS_KEY', tls.keyFile, /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'a PEM private key (unencrypted)');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`RUNNER_TLS_KEY (${tls.keyFile}) cannot serve RUNNER_TLS_CERT (${tls.certFile}): ${(error as Error).message}`);
  }
  return { cert, key };
}

function readPem(variable: string, file: string, shape: RegExp, what: string): Buffer {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`${variable}: cannot read ${file}: ${why}`);
  }
  if (!shape.test(content.toString('latin1'))) throw new Error(`${variable}: ${file} is not ${what}`);
  return content;
}
