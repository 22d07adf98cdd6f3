import { verifyStandard, WebhookVerificationError } from '@bookflow/events';

/**
 * Zapier hands a hook's perform the request as `bundle.rawRequest`: `content` is the body exactly
 * as received, and every header except Content-Type and Content-Length is renamed "Http-" plus its
 * name in Camel-Case (webhook-id arrives as Http-Webhook-Id). The signature covers the raw bytes,
 * so it is checked over `content`, never over the parsed `cleanedRequest`.
 */
export interface RawRequest {
  headers?: Record<string, string>;
  content?: string;
}

/** Zapier's header names back to the ones the platform sent (lower case, without "Http-"). */
export function originalHeaders(headers: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase().replace(/^http-/, '')] = value;
  }
  return out;
}

export type Verified = { ok: true; body: string } | { ok: false; reason: string };

/** Standard Webhooks verification of one hook request with the endpoint's secret. */
export function verifyHookRequest(raw: RawRequest | undefined, secret: string | undefined): Verified {
  if (!secret) return { ok: false, reason: 'the subscription has no signing secret' };
  if (!raw || typeof raw.content !== 'string')
    return { ok: false, reason: 'the raw request body is missing' };
  try {
    verifyStandard({ headers: originalHeaders(raw.headers), body: raw.content, secrets: [secret] });
    return { ok: true, body: raw.content };
  } catch (err) {
    if (err instanceof WebhookVerificationError) return { ok: false, reason: err.reason };
    return { ok: false, reason: 'the signing secret is malformed' };
  }
}
