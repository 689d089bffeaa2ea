/** The admin API over fetch: the ID token as bearer, problem+json errors as {@link ApiError}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: Array<{ path?: string; message?: string }> = [],
  ) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, options?: { idempotent?: boolean }): Promise<T>;
}

export function createApi(baseUrl: string, token: () => string | undefined, onUnauthorized: () => void): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown, idempotent = false): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const bearer = token();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotent) headers['idempotency-key'] = crypto.randomUUID();
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'Network error', (error as Error).message);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      if (res.status === 401) onUnauthorized();
      const problem = (json ?? {}) as { title?: string; detail?: string; message?: string; errors?: Array<{ path?: string; message?: string }> };
      throw new ApiError(res.status, problem.title ?? problem.message ?? res.statusText, problem.detail, problem.errors);
    }
    return json as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, options) => call('POST', path, body, options?.idempotent ?? true),
  };
}
