/**
 * The outcome of one HTTP delivery attempt, in the shape the worker stores on the attempt row.
 * Every failure mode is a value here, never an exception, so the retry policy sees them all alike.
 */

export type AttemptErrorKind =
  | 'http_status'
  | 'redirect'
  | 'timeout'
  | 'connect_timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns'
  | 'tls'
  | 'network'
  | 'invalid_url'
  /** The receiver answered, but the database refused to store the attempt as it was. */
  | 'unrecordable_response'
  /** Refused by the SSRF guard (private, loopback, metadata, ... address) or by requireHttps. */
  | 'destination_forbidden';

export interface AttemptError {
  kind: AttemptErrorKind;
  /** Safe to store and show to the account: never contains request headers (they carry signatures). */
  message: string;
}

export interface AttemptResult {
  /** True only for a 2xx answer. */
  ok: boolean;
  /** Null when no response arrived (network failure, timeout before headers, invalid URL). */
  statusCode: number | null;
  durationMs: number;
  /**
   * The first `maxResponseBytes` of the body as storable text: as received when it is UTF-8
   * without NUL, else escaped (see storable-text.ts); null when there was no response.
   */
  responseBody: string | null;
  /** How responseBody is written: 'utf8' or 'escaped'; null with no body. */
  responseBodyEncoding: 'utf8' | 'escaped' | null;
  /** The receiver's Content-Type header, made storable; null when absent. */
  responseContentType: string | null;
  responseTruncated: boolean;
  /** Seconds the receiver asked us to wait, from Retry-After on a 429 or 503; null otherwise. */
  retryAfterSeconds: number | null;
  error: AttemptError | null;
}

export interface SendRequest {
  url: string;
  body: string | Buffer;
  headers: Record<string, string>;
}
