import { catalogue, type EventType } from '@bookflow/events';
import { ENVELOPE_FIELDS, type SchemaField, schemaFields, valueAt } from '../../shared/schema-fields.ts';

/**
 * What a trigger returns for one event: the envelope and every leaf of `data`, flat, keyed by the
 * path joined with "__" (Zapier's own separator for nested values, so keys read the same as if
 * Zapier had flattened the object itself), plus a local-time copy of each meeting time.
 */

export interface OutputField {
  key: string;
  label: string;
  type: SchemaField['type'];
  list?: boolean;
  /** Computed here, not a schema field: the local rendering of the `source` time. */
  localOf?: string[];
}

export const keyOf = (path: readonly string[]) => path.join('__');

/** The fields of `type`'s data schema that have a sibling `timezone` (meeting times) get a local copy. */
function localTimes(fields: SchemaField[]): OutputField[] {
  const zones = new Set(
    fields.filter((f) => f.path.at(-1) === 'timezone').map((f) => keyOf(f.path.slice(0, -1))),
  );
  return fields
    .filter((f) => f.type === 'datetime' && zones.has(keyOf(f.path.slice(0, -1))))
    .map((f) => ({
      key: `${keyOf(f.path)}_local`,
      label: `${f.label} (Local Time)`,
      type: 'string' as const,
      localOf: f.path,
    }));
}

/** The output fields of one event type, from its JSON Schema in the catalogue. */
export function outputFieldsOf(type: EventType): OutputField[] {
  const data = schemaFields(catalogue[type].schema);
  const plain = [...ENVELOPE_FIELDS, ...data].map((f) => ({
    key: keyOf(f.path),
    label: f.label,
    type: f.type,
    ...(f.list ? { list: true } : {}),
  }));
  return [...plain, ...localTimes(data)];
}

/** "2026-04-14T15:00:00Z" in "America/Chicago" → "Tuesday, April 14, 2026, 10:00 AM CDT"; null when either is unusable. */
export function localTime(iso: unknown, timeZone: unknown): string | null {
  if (typeof iso !== 'string' || typeof timeZone !== 'string') return null;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(at);
  } catch {
    return null; // an unknown time zone name
  }
}

export interface Envelope {
  id: string;
  type: string;
  created_at: string;
  account_id: string;
  schema_version: string;
  data: Record<string, unknown> | null;
}

/** One event as the flat record a Zap maps from. Missing values are null, so every declared key is present. */
export function flatten(type: EventType, envelope: Envelope): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of outputFieldsOf(type)) {
    if (field.localOf) {
      const zonePath = [...field.localOf.slice(0, -1), 'timezone'];
      record[field.key] = localTime(valueAt(envelope.data, field.localOf), valueAt(envelope.data, zonePath));
      continue;
    }
    const path = field.key.split('__');
    const isEnvelope = ENVELOPE_FIELDS.some((f) => keyOf(f.path) === field.key);
    record[field.key] = (isEnvelope ? valueAt(envelope, path) : valueAt(envelope.data, path)) ?? null;
  }
  return record;
}
