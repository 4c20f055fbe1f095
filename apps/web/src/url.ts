/* Address helpers with no DOM or React, so the pure modules (jobs.ts) and their specs can use them. */

/** `path?a=1&b=2` with the parameters that have a value (filters in the address, so a view can be bookmarked). */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') query.set(name, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
