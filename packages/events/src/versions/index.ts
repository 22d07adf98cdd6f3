import { EVENT_TYPES, type EventType, isEventType } from '../types.ts';
import type { VersionChange } from './change.ts';
import { CHANGES_20260901 } from './changes-2026-09-01.ts';

export type { VersionChange } from './change.ts';
export * from './types.ts';

/** Every schema version ever shipped, oldest first. */
export const SCHEMA_VERSIONS = ['2026-04-10', '2026-09-01'] as const;

export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/** The version of accounts created before 2026-09-01 shipped, and of their endpoints. */
export const FIRST_SCHEMA_VERSION: SchemaVersion = '2026-04-10';

/** Months a version stays supported after the next one ships (the documents promise at least 12). */
export const SUPPORT_MONTHS_AFTER_SUCCESSOR = 12;

export interface VersionRelease {
  version: SchemaVersion;
  /** Release date, ISO 8601 calendar date. */
  released: string;
  /** What changed from the version before; converting below this version undoes it. */
  changes: readonly VersionChange[];
}

/** Newest first, so a down-conversion walks this list from the top. */
const RELEASES: readonly VersionRelease[] = [
  { version: '2026-09-01', released: '2026-09-01', changes: CHANGES_20260901 },
  { version: '2026-04-10', released: '2026-04-10', changes: [] },
];

export function isSchemaVersion(value: unknown): value is SchemaVersion {
  return typeof value === 'string' && (SCHEMA_VERSIONS as readonly string[]).includes(value);
}

export function versionRelease(version: SchemaVersion): VersionRelease {
  return RELEASES.find((release) => release.version === version) as VersionRelease;
}

/** The last day `version` is supported: 12 months after its successor shipped; null while current. */
export function supportedUntil(version: SchemaVersion): string | null {
  const index = RELEASES.findIndex((release) => release.version === version);
  const successor = RELEASES[index - 1];
  if (!successor) return null;
  const end = new Date(`${successor.released}T00:00:00.000Z`);
  end.setUTCMonth(end.getUTCMonth() + SUPPORT_MONTHS_AFTER_SUCCESSOR);
  return end.toISOString().slice(0, 10);
}

/** The version that introduced `type`. */
export function versionIntroducing(type: EventType): SchemaVersion {
  const adding = RELEASES.find((release) =>
    release.changes.some((change) => change.addsTypes?.includes(type)),
  );
  return adding?.version ?? FIRST_SCHEMA_VERSION;
}

/** The event types that exist in `version`. */
export function eventTypesIn(version: SchemaVersion): EventType[] {
  return EVENT_TYPES.filter((type) => versionIntroducing(type) <= version);
}

export interface EnvelopeLike {
  type: string;
  schema_version: string;
  data: unknown;
}

export type ConversionFailure =
  | { ok: false; reason: 'unknown_version'; version: string }
  | { ok: false; reason: 'unknown_type'; type: string }
  | { ok: false; reason: 'type_not_in_version'; type: EventType; introducedIn: SchemaVersion };

export type Conversion<E extends EnvelopeLike> =
  | {
      ok: true;
      envelope: Omit<E, 'schema_version' | 'data'> & { schema_version: SchemaVersion; data: unknown };
    }
  | ConversionFailure;

const applies = (change: VersionChange, type: EventType) => !change.types || change.types.includes(type);

type Data = Record<string, unknown>;

/**
 * `data` of `type`, from version `from` to version `to`, down or up, one release at a time.
 * Pure: the input is never modified. The caller has checked that both versions are known.
 */
function convertData(type: EventType, data: Data, from: SchemaVersion, to: SchemaVersion): Data {
  let converted = data;
  if (to < from) {
    for (const release of RELEASES) {
      if (release.version > from || release.version <= to) continue;
      for (const change of [...release.changes].reverse()) {
        if (change.down && applies(change, type)) converted = change.down(type, converted);
      }
    }
  } else {
    for (const release of [...RELEASES].reverse()) {
      if (release.version <= from || release.version > to) continue;
      for (const change of release.changes) {
        if (change.up && applies(change, type)) converted = change.up(type, converted);
      }
    }
  }
  return converted;
}

/**
 * The envelope as a consumer pinned to `toVersion` must see it: `data` converted down (or up,
 * for a receiver handler written for a newer version) and `schema_version` set to `toVersion`.
 * Fails, and says why, when a version is unknown or the type does not exist in `toVersion`.
 */
export function convertEnvelope<E extends EnvelopeLike>(envelope: E, toVersion: string): Conversion<E> {
  const from = envelope.schema_version;
  if (!isSchemaVersion(from)) return { ok: false, reason: 'unknown_version', version: from };
  if (!isSchemaVersion(toVersion)) return { ok: false, reason: 'unknown_version', version: toVersion };
  const { type } = envelope;
  if (!isEventType(type)) return { ok: false, reason: 'unknown_type', type };
  const introducedIn = versionIntroducing(type);
  if (introducedIn > toVersion) return { ok: false, reason: 'type_not_in_version', type, introducedIn };
  const data = convertData(type, envelope.data as Data, from, toVersion);
  return { ok: true, envelope: { ...envelope, schema_version: toVersion, data } };
}
