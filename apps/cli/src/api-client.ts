import { readResponseBody } from '@app/domain';
import { CliError, EXIT } from './exit-codes';

/** What the server said when it said no: `{message, errors?: [{field, message}]}` (API.md). */
interface ErrorBody {
  message?: unknown;
  errors?: { field?: unknown; message?: unknown }[];
}

const TIMEOUT_MS = 30_000;

/**
 * The REST API over global fetch, with every failure turned into a CliError whose message says
 * what to do and whose exit code says what kind of failure it was. The token goes only into the
 * Authorization header, never into a message.
 */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, hint?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw unreachable(this.url, error);
    }
    const text = await response.text().catch(() => '');
    const { isJson, body: parsed, invalidJson } = readResponseBody(response.headers.get('content-type'), text);
    if (invalidJson) {
      throw new CliError(EXIT.refused, `The server at ${this.url} answered ${response.status} with invalid JSON; is this an automation-runner server?`);
    }
    if (response.ok) return parsed as T;
    throw httpError(this.url, response.status, isJson ? (parsed as ErrorBody) : {}, hint);
  }

  get<T = any>(path: string, hint?: string): Promise<T> {
    return this.request<T>('GET', path, undefined, hint);
  }
  post<T = any>(path: string, body: unknown = {}, hint?: string): Promise<T> {
    return this.request<T>('POST', path, body, hint);
  }
  put<T = any>(path: string, body: unknown, hint?: string): Promise<T> {
    return this.request<T>('PUT', path, body, hint);
  }
  delete<T = any>(path: string, hint?: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body, hint);
  }
}

/** A connection that failed before any HTTP answer: refused, unknown host, timeout, TLS. */
export function unreachable(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const name = (error as Error)?.name;
  const detail = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error)?.message ?? 'unknown error');
  return new CliError(
    EXIT.serverDown,
    `Cannot reach the automation-runner server at ${url} (${detail}). Is it running, and is the URL right? (--url, AUTOMATION_RUNNER_URL or "automation-runner login --url")`,
  );
}

/** One message per kind of refusal; `hint` is added to a 404 (e.g. which command lists the jobs). */
export function httpError(url: string, status: number, body: ErrorBody, hint?: string): CliError {
  const message = typeof body?.message === 'string' ? body.message : '';
  if (status === 401) {
    return new CliError(
      EXIT.auth,
      `The server refused the token${message ? ` (${message})` : ''}. Log in again with "automation-runner login", or check AUTOMATION_RUNNER_TOKEN.`,
      status,
    );
  }
  if (status === 403) return new CliError(EXIT.auth, `Not permitted: ${message || 'your role or account may not do this'}.`, status);
  if (status === 404) return new CliError(EXIT.notFound, `${message || 'Not found'}${hint ? `. ${hint}` : ''}`, status);
  if (status === 503 || status === 502 || status === 504) {
    return new CliError(EXIT.serverDown, `The server at ${url} is unavailable (${status}${message ? `: ${message}` : ''}); try again shortly.`, status);
  }
  // Each field once: the message often spells out the first one already.
  const fields = (Array.isArray(body?.errors) ? body.errors : [])
    .map((e) => `${String(e.field)}: ${String(e.message)}`)
    .filter((line) => !message.includes(line))
    .map((line) => `\n  ${line}`)
    .join('');
  return new CliError(EXIT.refused, `The server refused the request (${status}): ${message || 'no message'}${fields}`, status);
}
