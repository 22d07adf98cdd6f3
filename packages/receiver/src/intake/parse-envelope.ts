import type { HeaderSource } from '@bookflow/events';

export interface ParsedEnvelope {
  id: string;
  type: string;
  schemaVersion: string;
  /** The whole envelope as sent, unknown fields included. */
  payload: Record<string, unknown>;
}

export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const value = record[key];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/**
 * Tolerant by design (forward compatibility): only what routing and dedupe need is checked: an
 * object with a string `id` and `type` and an object `data`. Unknown fields, unknown event types
 * and newer schema versions pass; handlers decide what they understand.
 */
export function parseEnvelope(body: Uint8Array | string, headers: HeaderSource): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    throw new InvalidPayloadError('the body is not valid JSON');
  }
  if (!isObject(value)) throw new InvalidPayloadError('the body is not a JSON object');
  const { id, type, data } = value;
  if (typeof id !== 'string' || id.length === 0)
    throw new InvalidPayloadError('"id" must be a non-empty string');
  if (typeof type !== 'string' || type.length === 0) {
    throw new InvalidPayloadError('"type" must be a non-empty string');
  }
  if (!isObject(data)) throw new InvalidPayloadError('"data" must be an object');
  const schemaVersion =
    (typeof value.schema_version === 'string' && value.schema_version) ||
    readHeader(headers, 'x-bookflow-schema-version') ||
    'unknown';
  return { id, type, schemaVersion, payload: value };
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

export function headersOfInterest(headers: HeaderSource): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of HEADERS_OF_INTEREST) {
    const value = readHeader(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}
