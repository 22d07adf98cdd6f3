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

/** What every attempt records, whatever its outcome. */
interface AttemptAnswer {
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
}

/** A 2xx answer: there is a status code, and nothing went wrong. */
export interface AttemptSucceeded extends AttemptAnswer {
  ok: true;
  statusCode: number;
  error: null;
}

/** Anything else: always with the error that says why. */
export interface AttemptFailed extends AttemptAnswer {
  ok: false;
  error: AttemptError;
}

export type AttemptResult = AttemptSucceeded | AttemptFailed;

export interface SendRequest {
  url: string;
  body: string | Buffer;
  headers: Record<string, string>;
}
