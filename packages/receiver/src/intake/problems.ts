import { problemCatalogue, problemDocument, type VerificationFailureReason } from '@bookflow/events';

/**
 * Every error the request path can answer with. Codes are stable (monitoring and the sender's
 * delivery log show them); the README lists them and a test keeps the two in step. Grouped by
 * the HTTP status each code answers with.
 */
export const PROBLEMS = problemCatalogue({
  400: {
    missing_header: 'A signature header is missing',
    bad_format: 'A signature header is malformed',
    invalid_payload: 'The body is not a BookFlow event envelope',
    payload_too_deep: 'The body nests objects or arrays deeper than the receiver accepts',
  },
  401: {
    stale_timestamp: 'The webhook timestamp is too old',
    future_timestamp: 'The webhook timestamp is too far in the future',
    no_matching_signature: 'No signature matches a configured secret',
  },
  405: { method_not_allowed: 'Webhooks are delivered with POST' },
  413: { payload_too_large: 'The body is larger than the receiver accepts' },
  500: {
    no_secrets: 'The receiver has no webhook secret configured',
    raw_body_unavailable: 'The raw request body was consumed before verification',
  },
  503: { store_unavailable: 'The event could not be stored; retry later' },
});

export type ProblemCode = keyof typeof PROBLEMS;

/**
 * Retry-After of a 503 store_unavailable: a database restart or failover takes seconds. BookFlow's
 * sender waits the larger of this and its own retry schedule, other senders at least this long.
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

// Compile-time check: every verification reason of the events SDK has an entry above.
const _everyReasonMapped: Record<VerificationFailureReason, unknown> = PROBLEMS;
void _everyReasonMapped;

export interface AckResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An RFC 9457 problem document. `detail` comes from our own messages (which header, how old),
 * never from secrets or expected signatures.
 */
export function problem(code: ProblemCode, detail?: string): AckResponse {
  const entry = PROBLEMS[code];
  const type = `https://bookflow.dev/problems/receiver/${code.replaceAll('_', '-')}`;
  return {
    status: entry.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(code === 'store_unavailable' ? { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) } : {}),
    },
    body: JSON.stringify(problemDocument(type, code, entry, detail)),
  };
}

export function ok(body: Record<string, unknown>): AckResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
