import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.ts';
import { type HeaderSource, readHeader } from './headers.ts';
import { secretKey } from './secrets.ts';
import type { Body, SigningSecret } from './signing.ts';

function keysOf(secrets: readonly SigningSecret[]): Buffer[] {
  if (secrets.length === 0)
    throw new WebhookVerificationError('no_secrets', 'no webhook secret is configured');
  return secrets.map((s) => (typeof s === 'string' ? secretKey(s) : s));
}

/** Constant-time comparison of two byte strings; different lengths never match. */
function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any expected digest equals any presented one. Every pair is compared, so timing does not reveal which. */
function anyMatch(expected: Buffer[], presented: Buffer[]): boolean {
  let matched = false;
  for (const e of expected) for (const p of presented) if (safeEqual(e, p)) matched = true;
  return matched;
}

export interface VerifyStandardOptions {
  headers: HeaderSource;
  /** The raw request bytes, exactly as received. */
  body: Body;
  secrets: readonly SigningSecret[];
  /** Accepted clock difference in seconds, both directions. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The receiver's clock; injectable for tests. */
  now?: () => Date;
}

export interface VerifiedStandard {
  id: string;
  timestamp: Date;
}

/** Verifies `webhook-id`, `webhook-timestamp` and `webhook-signature` (Standard Webhooks). Throws WebhookVerificationError. */
export function verifyStandard(options: VerifyStandardOptions): VerifiedStandard {
  const id = readHeader(options.headers, 'webhook-id', ' ');
  const ts = readHeader(options.headers, 'webhook-timestamp', ' ');
  const sig = readHeader(options.headers, 'webhook-signature', ' ');
  const missing = [!id && 'webhook-id', !ts && 'webhook-timestamp', !sig && 'webhook-signature'].filter(
    Boolean,
  );
  if (missing.length > 0) {
    throw new WebhookVerificationError('missing_header', `missing header(s): ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(ts!)) {
    throw new WebhookVerificationError(
      'bad_format',
      'webhook-timestamp must be integer seconds since the epoch',
    );
  }
  const timestamp = Number(ts);
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  if (timestamp < nowSeconds - tolerance) {
    throw new WebhookVerificationError('stale_timestamp', `webhook-timestamp is older than ${tolerance} s`);
  }
  if (timestamp > nowSeconds + tolerance) {
    throw new WebhookVerificationError(
      'future_timestamp',
      `webhook-timestamp is more than ${tolerance} s ahead`,
    );
  }
  const presented = parseEntries(sig!, 'v1,', 'base64');
  const content = Buffer.concat([
    Buffer.from(`${id}.${timestamp}.`),
    typeof options.body === 'string' ? Buffer.from(options.body) : options.body,
  ]);
  const expected = keysOf(options.secrets).map((k) => createHmac('sha256', k).update(content).digest());
  if (!anyMatch(expected, presented)) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      'no webhook-signature entry matches a configured secret',
    );
  }
  return { id: id!, timestamp: new Date(timestamp * 1000) };
}

export interface VerifyBookFlowOptions {
  headers: HeaderSource;
  body: Body;
  secrets: readonly SigningSecret[];
}

/**
 * Verifies `X-BookFlow-Signature` (HMAC of the body alone). It carries no timestamp, so it cannot
 * stop a captured request from being replayed: prefer verifyStandard.
 */
export function verifyBookFlow(options: VerifyBookFlowOptions): void {
  const sig = readHeader(options.headers, 'x-bookflow-signature', ' ');
  if (!sig) throw new WebhookVerificationError('missing_header', 'missing header: x-bookflow-signature');
  const presented = parseEntries(sig, 'sha256=', 'hex');
  const expected = keysOf(options.secrets).map((k) => createHmac('sha256', k).update(options.body).digest());
  if (!anyMatch(expected, presented)) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      'no x-bookflow-signature entry matches a configured secret',
    );
  }
}

/** Splits a space-separated signature header, keeping the entries with our scheme's prefix. */
function parseEntries(value: string, prefix: string, encoding: 'base64' | 'hex'): Buffer[] {
  const entries = value
    .trim()
    .split(/\s+/)
    .filter((e) => e.startsWith(prefix));
  if (entries.length === 0) {
    throw new WebhookVerificationError('bad_format', `signature header has no "${prefix}" entry`);
  }
  return entries.map((e) => Buffer.from(e.slice(prefix.length), encoding));
}
