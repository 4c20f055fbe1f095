/**
 * Node and PostgreSQL error codes that mean "the database is not reachable right now". ENOENT: over a
 * Unix socket (the embedded PostgreSQL's only listener), a server that is down has no socket file.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOENT', '57P01', '57P02', '57P03', '53300']);

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: unknown };
  if (e?.driverError) return isDatabaseUnavailable(e.driverError);
  return (
    (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(e?.message ?? '')
  );
}

/** PostgreSQL's unique_violation, as TypeORM or pg surface it. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
