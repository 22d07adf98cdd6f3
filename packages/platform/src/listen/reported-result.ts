import type { FromSchema } from 'json-schema-to-ts';
import type { AttemptErrorKind, AttemptResult } from '../delivery/http/index.ts';
import { parseRetryAfter, storableText } from '../delivery/http/index.ts';
import { storableBody } from '../delivery/http/storable-text.ts';
import { honoursRetryAfter } from '../delivery/retry-policy/decide.ts';

export const REPORTED_ERROR_KINDS = ['connection_refused', 'connection_reset', 'timeout', 'network'] as const;

/**
 * What the CLI reports after POSTing one delivery to the local URL: the body of
 * POST /v1/listen/{id}/results. Written once, as the JSON Schema the route validates with; the
 * type follows from it.
 */
export const REPORTED_ATTEMPT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['delivery_id', 'attempt', 'status_code', 'duration_ms'],
  properties: {
    delivery_id: { type: 'string', maxLength: 64 },
    attempt: { type: 'integer', minimum: 1 },
    /** Null when the local server never answered (refused, reset, timed out). */
    status_code: { type: ['integer', 'null'], minimum: 100, maximum: 599 },
    duration_ms: { type: 'number', minimum: 0, maximum: 86_400_000 },
    /** The first bytes of the local answer's body, base64 (the CLI sends at most the platform's limit). */
    response_body_base64: { type: ['string', 'null'], maxLength: 1_000_000 },
    response_truncated: { type: 'boolean' },
    response_content_type: { type: ['string', 'null'], maxLength: 500 },
    retry_after: { type: ['string', 'null'], maxLength: 100 },
    /** Why no answer came, when none did. */
    error: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['kind', 'message'],
      properties: {
        kind: { type: 'string', enum: REPORTED_ERROR_KINDS },
        message: { type: 'string', maxLength: 1000 },
      },
    },
  },
} as const;

export type ReportedAttempt = FromSchema<typeof REPORTED_ATTEMPT_SCHEMA>;

/**
 * The report as the attempt the worker would have recorded for the same answer: any 2xx succeeds;
 * a redirect and any other status fail; no answer fails with the CLI's reason. The body is made
 * storable by the same rule as the sender's, cut at `maxResponseBytes`.
 */
export function toAttemptResult(report: ReportedAttempt, maxResponseBytes: number): AttemptResult {
  const bytes = Buffer.from(report.response_body_base64 ?? '', 'base64');
  const cut = bytes.length > maxResponseBytes;
  const hasAnswer = report.status_code !== null;
  const body = hasAnswer ? storableBody(bytes.subarray(0, maxResponseBytes), cut) : null;
  const answer = {
    durationMs: Math.max(0, Math.round(report.duration_ms)),
    responseBody: body?.text ?? null,
    responseBodyEncoding: body?.encoding ?? null,
    responseContentType: report.response_content_type
      ? storableText(report.response_content_type, 200)
      : null,
    responseTruncated: cut || report.response_truncated === true,
  };
  const status = report.status_code;
  if (status === null) {
    const kind: AttemptErrorKind = report.error?.kind ?? 'network';
    const message = storableText(report.error?.message ?? 'no answer from the local server', 500);
    return { ok: false, statusCode: null, ...answer, retryAfterSeconds: null, error: { kind, message } };
  }
  const retryAfterSeconds = honoursRetryAfter(status)
    ? parseRetryAfter(report.retry_after ?? undefined, Date.now())
    : null;
  if (status >= 200 && status < 300)
    return { ok: true, statusCode: status, ...answer, retryAfterSeconds, error: null };
  const redirect = status >= 300 && status < 400;
  return {
    ok: false,
    statusCode: status,
    ...answer,
    retryAfterSeconds,
    error: redirect
      ? { kind: 'redirect', message: `HTTP ${status} (redirects are not followed)` }
      : { kind: 'http_status', message: `HTTP ${status}` },
  };
}
