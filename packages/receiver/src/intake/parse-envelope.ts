import { type HeaderSource, readHeader } from '@bookflow/events';
import { isStorableIdentifier, storableText } from '../jobs/storable-text.ts';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './json-depth.ts';
import type { ProblemCode } from './problems.ts';

export interface ParsedEnvelope {
  id: string;
  type: string;
  schemaVersion: string;
  /**
   * The envelope's JSON text as received (decoded as UTF-8), unknown fields included. Stores keep
   * this text rather than a parsed value: any JSON a sender can sign is storable as text, while a
   * database's JSON type refuses some of it (`\u0000`, lone surrogates in jsonb).
   */
  body: string;
}

/** Why a verified body is refused: permanent (a 4xx), since sending it again cannot help. */
export interface EnvelopeRejection {
  code: Extract<ProblemCode, 'invalid_payload' | 'payload_too_deep'>;
  detail: string;
}

export type ParseResult =
  | { ok: true; envelope: ParsedEnvelope }
  | { ok: false; rejection: EnvelopeRejection };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const reject = (detail: string, code: EnvelopeRejection['code'] = 'invalid_payload'): ParseResult => ({
  ok: false,
  rejection: { code, detail },
});

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && isStorableIdentifier(value) ? value : undefined;
}

/**
 * Tolerant by design (forward compatibility): only what routing and dedupe need is checked: an
 * object with a string `id` and `type` and an object `data`. Unknown fields, unknown event types
 * and newer schema versions pass; handlers decide what they understand. `id`, `type` and
 * `schema_version` become keys and columns, so they must be 1 to 255 printable characters.
 */
export function parseEnvelope(body: Uint8Array | string, headers: HeaderSource): ParseResult {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) {
    return reject(
      `the body nests objects or arrays deeper than ${MAX_NESTING_DEPTH} levels`,
      'payload_too_deep',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(`the body is not valid JSON (${storableText((error as Error).message, 200)})`);
  }
  if (!isObject(value)) return reject('the body is not a JSON object');
  const id = identifier(value.id);
  if (id === undefined) return reject('"id" must be a string of 1 to 255 printable characters');
  const type = identifier(value.type);
  if (type === undefined) return reject('"type" must be a string of 1 to 255 printable characters');
  if (!isObject(value.data)) return reject('"data" must be an object');
  const declared =
    (typeof value.schema_version === 'string' && value.schema_version) ||
    readHeader(headers, 'x-bookflow-schema-version') ||
    'unknown';
  const schemaVersion = identifier(declared);
  if (schemaVersion === undefined) {
    return reject('"schema_version" must be a string of 1 to 255 printable characters');
  }
  // Well-formed text for every store: lone surrogates in a string body (they cannot come from
  // decoding bytes) would be replaced by the store's encoder anyway; do it here, visibly.
  return {
    ok: true,
    envelope: { id, type, schemaVersion, body: storableText(text, Number.POSITIVE_INFINITY) },
  };
}

/** Delivery headers kept with the job for debugging. Signatures are left out: they are no use later. */
export const HEADERS_OF_INTEREST = [
  'x-bookflow-event-id',
  'x-bookflow-event-type',
  'x-bookflow-delivered-at',
  'x-bookflow-schema-version',
  'x-bookflow-attempt',
  'webhook-id',
  'webhook-timestamp',
  'user-agent',
] as const;

/** Header values are kept for people to read, so unstorable characters are replaced, never refused. */
export function headersOfInterest(headers: HeaderSource): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of HEADERS_OF_INTEREST) {
    const value = readHeader(headers, name);
    if (value !== undefined) kept[name] = storableText(value, 1000);
  }
  return kept;
}
