import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import { parseHttpUrl, refuseUrl } from '../../destinations/destination-url.ts';
import { guardedLookup, type Resolver } from '../../destinations/guarded-lookup.ts';
import { honoursRetryAfter } from '../retry-policy/decide.ts';
import type { AttemptError, AttemptFailed, AttemptResult, SendRequest } from './attempt-result.ts';
import { classifyError } from './classify-error.ts';
import { guardedConnector } from './guarded-connector.ts';
import { readLimitedBody } from './response-body.ts';
import { parseRetryAfter } from './retry-after.ts';
import { storableText } from './storable-text.ts';

const USER_AGENT = 'BookFlow-Webhooks/0.1';

/** The sender's budgets and bounds. No defaults here: they come from the configuration (config/config.ts). */
export interface SenderLimits {
  /** TCP (and TLS) connect budget, including the DNS lookup. */
  connectTimeoutMs: number;
  /** Budget for the whole attempt: queueing, connect, request, headers and body. */
  totalTimeoutMs: number;
  /** How much of the response body is kept; the rest is discarded unread or drained. */
  maxResponseBytes: number;
  /**
   * Sockets per receiver origin. A bound keeps one slow endpoint from holding an unbounded number
   * of sockets; requests beyond it wait in undici's queue, and that wait counts toward the total
   * timeout.
   */
  connectionsPerOrigin: number;
}

export interface SenderOptions extends SenderLimits {
  userAgent?: string;
  /**
   * Resolves host names at connect time (default: the system resolver, every address). With the
   * SSRF guard on, each address it returns is checked before net connects to it.
   */
  resolve?: Resolver;
  /**
   * Lifts the SSRF guard (BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS): development and tests only. When
   * false, the default, loopback, private, link-local, metadata and other non-public addresses are
   * refused at three points: the URL host when it is a literal address, every address a name
   * resolves to, and the address the socket actually connected to.
   */
  allowPrivateDestinations?: boolean;
  /** BOOKFLOW_REQUIRE_HTTPS: an http: URL fails with `destination_forbidden` without a connect. */
  requireHttps?: boolean;
}

export interface Sender {
  /** One POST attempt. Never rejects: every failure is described in the result. */
  send(req: SendRequest): Promise<AttemptResult>;
  /** Closes pooled connections once in-flight attempts finish. */
  close(): Promise<void>;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Lower-cases header names so a caller's `User-Agent` replaces ours instead of being sent twice. */
function buildHeaders(userAgent: string, given: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': userAgent, 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
  return headers;
}

function contentType(value: string | string[] | undefined): string | null {
  const first = firstHeader(value);
  return first === undefined ? null : storableText(first, 200);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Why an answer that is not 2xx failed: a redirect (never followed) or any other status. */
function statusError(statusCode: number, location: string | string[] | undefined): AttemptError {
  if (statusCode < 300 || statusCode >= 400) return { kind: 'http_status', message: `HTTP ${statusCode}` };
  const to = firstHeader(location);
  return {
    kind: 'redirect',
    message: to
      ? `HTTP ${statusCode} redirect to ${storableText(to, 2_048)} not followed`
      : `HTTP ${statusCode} redirect without a Location header, not followed`,
  };
}

export function createSender(options: SenderOptions): Sender {
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs);
  const totalTimeoutMs = positive('totalTimeoutMs', options.totalTimeoutMs);
  const maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes);
  const userAgent = options.userAgent ?? USER_AGENT;
  const destinations = {
    allowPrivate: options.allowPrivateDestinations ?? false,
    requireHttps: options.requireHttps ?? false,
  };

  // One Agent for the process: a keep-alive pool per origin, so consecutive deliveries to the same
  // receiver skip the TCP and TLS handshakes. undici 7's request() has no redirect support at all
  // unless a redirect interceptor is composed onto the dispatcher, and none is: 3xx comes back as is,
  // so a redirect toward an internal address is never followed in the first place.
  const lookup =
    destinations.allowPrivate && !options.resolve
      ? undefined
      : guardedLookup({
          allowPrivate: destinations.allowPrivate,
          ...(options.resolve ? { resolve: options.resolve } : {}),
        });
  const connector = buildConnector({ timeout: connectTimeoutMs, ...(lookup ? { lookup } : {}) });
  const agent = new Agent({
    connections: positive('connectionsPerOrigin', options.connectionsPerOrigin),
    connect: destinations.allowPrivate ? connector : guardedConnector(connector),
  });

  async function send(req: SendRequest): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failure = (error: AttemptError): AttemptFailed => ({
      ok: false,
      statusCode: null,
      durationMs: elapsed(),
      responseBody: null,
      responseBodyEncoding: null,
      responseContentType: null,
      responseTruncated: false,
      retryAfterSeconds: null,
      error,
    });

    const parsed = parseHttpUrl(req.url);
    if (!parsed.ok) {
      const message =
        parsed.problem === 'scheme'
          ? `unsupported URL scheme ${parsed.scheme}:`
          : 'the endpoint URL cannot be parsed';
      return failure({ kind: 'invalid_url', message });
    }
    const { url } = parsed;
    // Refused here, before the dispatcher sees the URL: no pool, no connect, a clear message.
    const refusal = refuseUrl(url, destinations);
    if (refusal) return failure({ kind: 'destination_forbidden', message: refusal.message });

    // headersTimeout and bodyTimeout are idle timers between bytes; the signal bounds the total.
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new DOMException(`no complete response within ${totalTimeoutMs} ms`, 'TimeoutError'),
        ),
      totalTimeoutMs,
    );
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: buildHeaders(userAgent, req.headers),
        body: req.body,
        signal: controller.signal,
        headersTimeout: totalTimeoutMs,
        bodyTimeout: totalTimeoutMs,
      });
      const { statusCode, headers } = response;
      const retryAfterSeconds = honoursRetryAfter(statusCode)
        ? parseRetryAfter(headers['retry-after'], Date.now())
        : null;
      const body = await readLimitedBody(response.body, maxResponseBytes);
      const answer = {
        statusCode,
        durationMs: elapsed(),
        responseBody: body.text,
        responseBodyEncoding: body.encoding,
        responseContentType: contentType(headers['content-type']),
        responseTruncated: body.truncated,
        retryAfterSeconds,
      };
      if (statusCode >= 200 && statusCode < 300) return { ...answer, ok: true, error: null };
      return { ...answer, ok: false, error: statusError(statusCode, headers.location) };
    } catch (error) {
      return failure(classifyError(error));
    } finally {
      clearTimeout(timer);
    }
  }

  return { send, close: () => agent.close() };
}
