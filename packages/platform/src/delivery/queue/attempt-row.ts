import { type AttemptResult, storableText } from '../http/index.ts';

/** The columns of one delivery_attempts row that come from the receiver's answer. */
export interface AttemptRowValues {
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  statusCode: number | null;
  errorKind: string | null;
  error: string | null;
  responseBody: string | null;
  responseBodyEncoding: 'utf8' | 'escaped' | null;
  responseContentType: string | null;
  responseTruncated: boolean;
}

/**
 * The sender already makes bodies and messages storable; this is the last step before SQL, for
 * results that did not come from it (tests, future senders), so every write path stores text the
 * same way. storableText is a no-op on text that is already storable.
 */
export function attemptRowValues(result: AttemptResult): AttemptRowValues {
  return {
    durationMs: Math.round(result.durationMs),
    outcome: result.ok ? 'succeeded' : 'failed',
    statusCode: result.statusCode,
    errorKind: result.error?.kind ?? null,
    error: result.error ? storableText(result.error.message) : null,
    responseBody: result.responseBody === null ? null : storableText(result.responseBody, 4 * 65_536),
    responseBodyEncoding: result.responseBody === null ? null : (result.responseBodyEncoding ?? 'utf8'),
    responseContentType:
      result.responseContentType === null ? null : storableText(result.responseContentType, 200),
    responseTruncated: result.responseTruncated,
  };
}

/** The delivery's last_error: kind and message, storable. */
export function lastErrorText(result: AttemptResult): string | null {
  return result.error ? storableText(`${result.error.kind}: ${result.error.message}`) : null;
}
