import type { CaughtRequest } from '../../shared/test-support/hook-catcher.ts';

const camelCase = (name: string) =>
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('-');

/**
 * A request caught on the stand-in hook URL as Zapier hands it to a hook's perform, following
 * Zapier's documentation of bundle.rawRequest: `content` is the body as received; headers other
 * than Content-Type and Content-Length are prefixed "Http-", and all are in Camel-Case
 * (X-Time-GMT becomes Http-X-Time-Gmt). cleanedRequest is the parsed body.
 */
export function asZapierBundle(request: CaughtRequest) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const plain = name === 'content-type' || name === 'content-length';
    headers[plain ? camelCase(name) : `Http-${camelCase(name)}`] = value;
  }
  let cleaned: unknown = {};
  try {
    cleaned = JSON.parse(request.body);
  } catch {
    cleaned = {};
  }
  return {
    rawRequest: { method: request.method as 'POST', querystring: '', headers, content: request.body },
    cleanedRequest: cleaned,
  };
}
