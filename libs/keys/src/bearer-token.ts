import { createHash, randomBytes } from 'node:crypto';

/** Every bearer token starts so: a token in a log or a paste is recognisable, and a lookup of anything else is skipped. */
export const BEARER_TOKEN_PREFIX = 'rnr_';

/**
 * A new bearer token: 256 random bits. The api hands login tokens out, the worker mints a token for
 * each run; both store only bearerTokenHash() of it, so a database dump gives no usable token.
 */
export function newBearerToken(): string {
  return BEARER_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function bearerTokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
