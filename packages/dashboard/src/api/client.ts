/** An API error as problem+json describes it; the page shows `detail` to the user. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token, sent with every request that changes something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Calls the public /v1 API with the session cookie (sent by the browser, never readable here).
 * A body is sent as JSON only when there is one: the API refuses an empty JSON body.
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const problem = (json ?? {}) as { code?: string; detail?: string; title?: string };
    throw new ApiProblem(
      res.status,
      problem.code ?? 'error',
      problem.detail ?? problem.title ?? res.statusText,
    );
  }
  return json as T;
}

/** A query string from the set fields only. */
export function query(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}
