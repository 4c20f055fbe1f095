import { readResponseBody } from '../../../libs/domain/src/response-body';
import { loadSession, saveSession } from './session';

/** An API error as the service reports it: `{message, errors?: [{field, message}]}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(message);
  }

  /** One line for a banner: the message and every field error. */
  describe(): string {
    // The service's message often is its one field error already ("password: must be …"): say it once.
    const fields = this.errors.map((e) => `${e.field}: ${e.message}`).filter((text) => text !== this.message);
    return [this.message, ...fields].join(' · ');
  }
}

export interface Page<T> {
  totalSize: number;
  page: number;
  size: number;
  results: T[];
}

export interface Link {
  rel: string;
  href: string;
  verbs?: string[];
}

/** Listeners told when the token stops working (expired, revoked): the app shows the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, text/plain' };
  const token = loadSession()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The service cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  const { body: parsed } = readResponseBody(response.headers.get('content-type'), text);
  if (!response.ok) {
    const doc = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { message?: string; errors?: { field: string; message: string }[] };
    if (response.status === 401 && token) {
      saveSession(null);
      for (const listener of unauthorizedListeners) listener();
    }
    const fallback = response.status === 429 ? 'Too many attempts; wait a moment and try again.' : `The service answered ${response.status}.`;
    throw new ApiError(response.status, doc.message ?? fallback, doc.errors ?? []);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

/** Path segments are aliases, ids and names the user typed: always encode them. */
export const seg = encodeURIComponent;

/** UTF-8-safe base64, for inline playbooks. */
export function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(value: string): string {
  const binary = atob(value);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
