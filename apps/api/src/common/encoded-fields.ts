import { invalid } from '@app/domain';

/**
 * Fields that arrive base64-encoded (playbooks, private keys), checked where jobs and start
 * requests both take them.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(field: string, value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (!compact || !BASE64.test(compact)) throw invalid(field, 'must be base64');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** A private key arrives as base64 of its PEM / OpenSSH armour. */
export function checkPrivateKey(field: string, encoded: string): void {
  const text = decodeBase64(field, encoded);
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]+-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw invalid(field, 'must be base64 of a PEM or OpenSSH private key');
  }
}
