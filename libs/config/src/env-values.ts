/**
 * Reading one environment variable: a whole number within limits, text matching a rule, a list of
 * web origins or an http(s) base URL, or nothing when unset or empty. A bad value throws a
 * ConfigError naming the variable and the rule.
 */

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function text(env: Env, name: string, fallback: string, pattern?: RegExp, rule?: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (pattern && !pattern.test(raw)) throw new ConfigError(name, rule ?? `has an invalid value "${raw}"`);
  return raw;
}

export function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A comma-separated list of web origins, each as a browser sends it: scheme, host, optional port, nothing else. */
export function origins(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const url = parseUrl(item);
      // `origin` drops a path, query or user; requiring the item to equal it refuses those instead.
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item.toLowerCase().replace(/\/$/, '')) {
        throw new ConfigError(name, `must be comma-separated origins like https://console.example.com (scheme, host, optional port), got "${item}"`);
      }
      return url.origin;
    });
}

/** An http(s) base URL with nothing a client would have to strip (credentials, query, fragment), without its trailing slash. */
export function baseUrl(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  const url = parseUrl(raw);
  if (!url) throw new ConfigError(name, `must be an http:// or https:// URL, got "${raw}"`);
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(name, `must be an http:// or https:// URL with no credentials, query or fragment, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The URL, or undefined when it is not one (the callers word the error: some values are secret). */
export function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
