/** A small client for the API as a user would call it: JSON in, JSON (or text) out. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.token) (init.headers as Record<string, string>).authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, init);
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string): Promise<Reply<T>> {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown): Promise<Reply<T>> {
    return this.request<T>('POST', path, body);
  }
  put<T = any>(path: string, body?: unknown): Promise<Reply<T>> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string): Promise<Reply<T>> {
    return this.request<T>('DELETE', path);
  }

  /** Logs in and keeps the token; returns the whole login answer. */
  async login(username: string, password: string): Promise<any> {
    const reply = await this.post('/v2/authentication/login', { username, password });
    if (reply.status !== 200) throw new Error(`login ${username} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.token = reply.body.bearerToken;
    return reply.body;
  }

  as(token?: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export const TRIVIAL_PLAYBOOK = b64('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n');
