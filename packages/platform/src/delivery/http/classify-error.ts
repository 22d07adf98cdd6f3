import { DESTINATION_FORBIDDEN_CODE } from '../../destinations/refusal.ts';
import type { AttemptError, AttemptErrorKind } from './attempt-result.ts';
import { storableText } from './storable-text.ts';

/**
 * Maps an error thrown by undici or Node's net/tls/dns layers to an attempt error kind.
 * The code can sit on the error itself, on its `cause`, or on one of the `errors` of an
 * AggregateError (Node's happy-eyeballs connect reports one error per address tried), so the
 * whole tree is searched.
 */

interface Found {
  code: string;
  name: string;
  message: string;
}

const MAX_MESSAGE = 500;

/** Rules in priority order: the first rule any error in the tree matches decides the kind. */
const RULES: ReadonlyArray<[AttemptErrorKind, (f: Found) => boolean]> = [
  [
    'timeout',
    (f) =>
      f.name === 'TimeoutError' ||
      f.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      f.code === 'UND_ERR_BODY_TIMEOUT' ||
      // Only our total-timeout signal aborts a request, so an abort is a timeout.
      f.code === 'UND_ERR_ABORTED' ||
      f.code === 'ABORT_ERR' ||
      f.name === 'AbortError',
  ],
  ['connect_timeout', (f) => f.code === 'UND_ERR_CONNECT_TIMEOUT' || f.code === 'ETIMEDOUT'],
  [
    'dns',
    (f) => f.code.startsWith('EAI_') || ['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT'].includes(f.code),
  ],
  [
    'tls',
    (f) =>
      /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|UNABLE_TO_)/.test(f.code) ||
      f.code.includes('CERT') ||
      // OpenSSL reports protocol mismatches (e.g. https:// to a plain HTTP port) as EPROTO.
      f.code === 'EPROTO',
  ],
  ['connection_refused', (f) => f.code === 'ECONNREFUSED'],
  [
    'connection_reset',
    // UND_ERR_SOCKET is undici's "other side closed": the peer dropped the connection mid-request.
    (f) => ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET'].includes(f.code),
  ],
  ['invalid_url', (f) => f.code === 'ERR_INVALID_URL'],
];

function collect(error: unknown, out: Found[], depth = 0): void {
  if (depth > 5 || typeof error !== 'object' || error === null) return;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  out.push({
    // DOMException has a numeric legacy code (23 for TimeoutError); only string codes are meaningful.
    code: typeof e.code === 'string' ? e.code : '',
    name: typeof e.name === 'string' ? e.name : '',
    message: typeof e.message === 'string' ? e.message : String(error),
  });
  collect(e.cause, out, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) collect(inner, out, depth + 1);
}

function describe(found: Found): string {
  const text =
    found.code && !found.message.includes(found.code) ? `${found.message} (${found.code})` : found.message;
  return storableText(text.trim(), MAX_MESSAGE) || 'unknown error';
}

export function classifyError(error: unknown): AttemptError {
  const found: Found[] = [];
  collect(error, found);
  // An SSRF refusal wins over whatever undici wrapped it in, and its message is kept as written:
  // it already names the address and the setting that lifts the guard.
  const refused = found.find((f) => f.code === DESTINATION_FORBIDDEN_CODE);
  if (refused) return { kind: 'destination_forbidden', message: storableText(refused.message, MAX_MESSAGE) };
  for (const [kind, matches] of RULES) {
    const hit = found.find(matches);
    if (hit) return { kind, message: describe(hit) };
  }
  const top = found[0];
  return { kind: 'network', message: top ? describe(top) : storableText(String(error), MAX_MESSAGE) };
}
