import type { VerificationFailureReason } from '@bookflow/events';

/**
 * Every error the request path can answer with. Codes are stable (monitoring and the sender's
 * delivery log show them); the README lists them and a test keeps the two in step.
 */
export const PROBLEMS = {
  missing_header: { status: 400, title: 'A signature header is missing' },
  bad_format: { status: 400, title: 'A signature header is malformed' },
  stale_timestamp: { status: 401, title: 'The webhook timestamp is too old' },
  future_timestamp: { status: 401, title: 'The webhook timestamp is too far in the future' },
  no_matching_signature: { status: 401, title: 'No signature matches a configured secret' },
  no_secrets: { status: 500, title: 'The receiver has no webhook secret configured' },
  invalid_payload: { status: 400, title: 'The body is not a BookFlow event envelope' },
  payload_too_deep: {
    status: 400,
    title: 'The body nests objects or arrays deeper than the receiver accepts',
  },
  payload_too_large: { status: 413, title: 'The body is larger than the receiver accepts' },
  method_not_allowed: { status: 405, title: 'Webhooks are delivered with POST' },
  raw_body_unavailable: { status: 500, title: 'The raw request body was consumed before verification' },
  store_unavailable: { status: 503, title: 'The event could not be stored; retry later' },
} as const satisfies Record<string, { status: number; title: string }>;

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
  const { status, title } = PROBLEMS[code];
  return {
    status,
    headers: {
      'content-type': 'application/problem+json',
      ...(code === 'store_unavailable' ? { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) } : {}),
    },
    body: JSON.stringify({
      type: `https://bookflow.dev/problems/receiver/${code.replaceAll('_', '-')}`,
      title,
      status,
      code,
      ...(detail ? { detail } : {}),
    }),
  };
}

export function ok(body: Record<string, unknown>): AckResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
