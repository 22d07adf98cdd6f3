import type { Bundle, HttpRequestOptions, HttpResponse, ZObject } from 'zapier-platform-core';

/** The platform's address as the user entered it when connecting, without a trailing slash. */
export function apiUrl(bundle: Bundle, path: string): string {
  const base = String(bundle.authData.api_url ?? '').replace(/\/+$/, '');
  return `${base}${path}`;
}

/** Every request carries the account's API key as a bearer token. */
export function addApiKey(request: HttpRequestOptions, _z: ZObject, bundle: Bundle): HttpRequestOptions {
  request.headers = { ...request.headers, authorization: `Bearer ${bundle.authData.api_key}` };
  return request;
}

/**
 * The platform answers errors as problem+json with a stable code; show the user its detail (what
 * to fix) rather than Zapier's generic "got 4xx". Requests that expect an error status (an
 * unsubscribe of an endpoint that is already gone) set skipThrowForStatus and are left alone.
 */
export function explainProblems(response: HttpResponse, z: ZObject): HttpResponse {
  if (response.status < 400 || response.skipThrowForStatus) return response;
  let problem: { code?: string; title?: string; detail?: string } = {};
  try {
    problem = JSON.parse(response.content);
  } catch {
    // not problem+json (a proxy's page): fall through with the status alone
  }
  const message = problem.detail ?? problem.title ?? `BookFlow answered HTTP ${response.status}`;
  if (response.status === 401) throw new z.errors.ExpiredAuthError(`${message} (check the API key)`);
  throw new z.errors.Error(message, problem.code ?? `http_${response.status}`, response.status);
}
