/**
 * One row of `bookflow_raw_events`: the envelope's fields as columns and its `data` as the JSON
 * payload, unknown fields included, whatever the schema version. The models read the payload.
 */
export interface RawEvent {
  eventId: string;
  type: string;
  accountId: string;
  schemaVersion: string;
  /** The envelope's `created_at` (sender clock), as sent. */
  createdAt: string;
  /** When the receiver (or `analytics load`) took the event in. */
  receivedAt: Date;
  /** `data` as JSON text. */
  payload: string;
}

export type EnvelopeCheck = { ok: true; event: RawEvent } | { ok: false; problem: string };

const ID_MAX = 200;

function text(envelope: Record<string, unknown>, field: string, required: boolean): string | null | Error {
  const value = envelope[field];
  if (value === undefined || value === null) return required ? new Error(`has no "${field}"`) : null;
  if (typeof value !== 'string' || value.length === 0)
    return new Error(`"${field}" must be a non-empty string`);
  if (value.length > ID_MAX && field !== 'created_at')
    return new Error(`"${field}" is longer than ${ID_MAX}`);
  return value;
}

/**
 * Checks what the raw table needs of an envelope (id, type, created_at as a date, a data object)
 * and nothing else, so envelopes of any schema version load. Returns a sentence that says what is
 * wrong rather than throwing.
 */
export function rawEventFromEnvelope(value: unknown, receivedAt: Date): EnvelopeCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'is not a JSON object (one envelope per line)' };
  }
  const envelope = value as Record<string, unknown>;
  const fields = {
    id: text(envelope, 'id', true),
    type: text(envelope, 'type', true),
    created_at: text(envelope, 'created_at', true),
    account_id: text(envelope, 'account_id', false),
    schema_version: text(envelope, 'schema_version', false),
  };
  for (const result of Object.values(fields))
    if (result instanceof Error) return { ok: false, problem: result.message };
  if (Number.isNaN(Date.parse(fields.created_at as string))) {
    return { ok: false, problem: '"created_at" is not an ISO 8601 time' };
  }
  const data = envelope.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problem: '"data" must be an object' };
  }
  const payload = JSON.stringify(data);
  // PostgreSQL's jsonb cannot hold U+0000; refused here so that every warehouse holds the same rows.
  if (payload.includes('\\u0000'))
    return { ok: false, problem: '"data" holds a NUL character (\\u0000), which a warehouse cannot store' };
  return {
    ok: true,
    event: {
      eventId: fields.id as string,
      type: fields.type as string,
      accountId: (fields.account_id as string | null) ?? '',
      schemaVersion: (fields.schema_version as string | null) ?? '',
      createdAt: fields.created_at as string,
      receivedAt,
      payload,
    },
  };
}
