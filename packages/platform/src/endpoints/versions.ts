import { type EventType, isEventType, type SchemaVersion, versionIntroducing } from '@bookflow/events';

/** Subscribed types that an endpoint's schema version does not have, and the version they need. */
export interface VersionMismatch {
  ok: false;
  reason: 'type_not_in_version';
  version: SchemaVersion;
  types: EventType[];
  /** The oldest version that has every one of `types`. */
  requiredVersion: SchemaVersion;
}

/** Null when every type exists in `version`; otherwise what is missing and the version that has it. */
export function versionMismatch(version: SchemaVersion, types: readonly string[]): VersionMismatch | null {
  const missing = types.filter(isEventType).filter((type) => versionIntroducing(type) > version);
  if (missing.length === 0) return null;
  const requiredVersion = missing.map(versionIntroducing).sort().at(-1) as SchemaVersion;
  return { ok: false, reason: 'type_not_in_version', version, types: missing, requiredVersion };
}
