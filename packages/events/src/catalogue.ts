import { sampleData } from './samples/index.ts';
import { schemas20260410, schemas20260901 } from './schemas/index.ts';
import { EVENT_TYPES, type EventDataMap, type EventType, SCHEMA_VERSION } from './types.ts';
import {
  convertEnvelope,
  eventTypesIn,
  SCHEMA_VERSIONS,
  type SchemaVersion,
  supportedUntil,
  versionIntroducing,
  versionRelease,
} from './versions/index.ts';

export interface EventTypeInfo<T extends EventType = EventType> {
  type: T;
  /** One plain sentence for the docs page and the dashboard's event picker. */
  description: string;
  /** JSON Schema (draft-07) of `data` in the newest schema version. */
  schema: object;
  /** A realistic `data` payload; stable across releases (fixed seed and time). */
  example: EventDataMap[T];
}

const DESCRIPTIONS: { [T in EventType]: string } = {
  'call.started': 'call.started: the agent started dialing a lead, or answered a lead calling in',
  'call.connected': 'call.connected: the lead picked up and the conversation began',
  'call.ended': 'call.ended: the call finished with an outcome (booked, disqualified, voicemail, no_answer)',
  'meeting.booked': 'meeting.booked: the agent booked a meeting on an account executive calendar',
  'meeting.rescheduled': 'meeting.rescheduled: a booked meeting moved to a new time',
  'meeting.canceled': 'meeting.canceled: a booked meeting was canceled, with a reason code',
  'lead.disqualified': 'lead.disqualified: the agent found the lead is not a fit, with reasons',
  'meeting.completed':
    "meeting.completed: a booked meeting's time has passed and attendance is known (held or no_show)",
  'trial.ending': 'trial.ending: the account trial ends in 3 days (sent by the platform only)',
  'usage.threshold':
    'usage.threshold: the account used 75, 90 or 100 % of the minutes its plan includes (sent by the platform only)',
};

/** The examples sit at the instant the first schema version shipped, so docs do not churn. */
const EXAMPLE_NOW = new Date('2026-04-10T17:30:00.000Z');
const EXAMPLE_SEED = 20260410;

function info<T extends EventType>(type: T): EventTypeInfo<T> {
  return {
    type,
    description: DESCRIPTIONS[type],
    schema: schemas20260901[type],
    example: sampleData(type, { seed: EXAMPLE_SEED, now: EXAMPLE_NOW }),
  };
}

/** The newest version's catalogue, keyed by type. */
export const catalogue: { readonly [T in EventType]: EventTypeInfo<T> } = {
  'call.started': info('call.started'),
  'call.connected': info('call.connected'),
  'call.ended': info('call.ended'),
  'meeting.booked': info('meeting.booked'),
  'meeting.rescheduled': info('meeting.rescheduled'),
  'meeting.canceled': info('meeting.canceled'),
  'lead.disqualified': info('lead.disqualified'),
  'meeting.completed': info('meeting.completed'),
  'trial.ending': info('trial.ending'),
  'usage.threshold': info('usage.threshold'),
};

// A Map, not an object literal, so a version string like "constructor" cannot reach the prototype.
const SCHEMAS_BY_VERSION = new Map<string, Partial<Record<EventType, object>>>([
  ['2026-04-10', schemas20260410],
  ['2026-09-01', schemas20260901],
]);

/** The `data` schema of `type` in `version`; undefined for an unknown type or version, or a type the version lacks. */
export function schemaFor(type: EventType, version: string = SCHEMA_VERSION): object | undefined {
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  return SCHEMAS_BY_VERSION.get(version)?.[type];
}

/** One type as a version describes it: its schema and the catalogue example converted to it. */
export interface VersionedEventTypeInfo {
  type: EventType;
  description: string;
  /** The version that introduced the type. */
  since: SchemaVersion;
  schema: object;
  example: unknown;
}

/** The catalogue of one version: the types it has, each with that version's schema and example. */
export function catalogueFor(version: SchemaVersion): VersionedEventTypeInfo[] {
  return eventTypesIn(version).map((type) => {
    const converted = convertEnvelope(
      { type, schema_version: SCHEMA_VERSION, data: catalogue[type].example },
      version,
    );
    return {
      type,
      description: DESCRIPTIONS[type],
      since: versionIntroducing(type),
      schema: schemaFor(type, version) as object,
      example: converted.ok ? converted.envelope.data : undefined,
    };
  });
}

export interface ChangelogEntry {
  version: SchemaVersion;
  /** Release date, ISO 8601 calendar date. */
  date: string;
  /** Last supported day (ISO date): 12 months after the next version shipped; null while current. */
  supported_until: string | null;
  changes: string[];
}

const FIRST_VERSION_NOTES = [
  'First version: call.started, call.connected, call.ended, meeting.booked, meeting.rescheduled, meeting.canceled, lead.disqualified, trial.ending, usage.threshold.',
  'Envelope: id, type, created_at, account_id, schema_version, data.',
  'Nullable fields are always present and null when empty; lead.title is the only optional field.',
];

/**
 * Schema changes, newest first. Policy: additive changes (a new optional field) may appear in
 * payloads of the current version and are recorded here, which is why consumers must ignore
 * fields they do not know. Removing, renaming or retyping a field, adding an enum value or a new
 * event type ships as a new dated version; payloads always say which one in `schema_version`, and
 * an endpoint receives the version it is pinned to.
 */
export const CHANGELOG: ChangelogEntry[] = [...SCHEMA_VERSIONS].reverse().map((version) => {
  const release = versionRelease(version);
  return {
    version,
    date: release.released,
    supported_until: supportedUntil(version),
    changes: release.changes.length
      ? release.changes.map((change) => change.description)
      : FIRST_VERSION_NOTES,
  };
});
