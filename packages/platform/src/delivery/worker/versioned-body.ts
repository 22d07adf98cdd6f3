import { convertEnvelope, type EnvelopeLike } from '@bookflow/events';

/** What goes on the wire to one endpoint: the exact bytes that are signed, and the version they are in. */
export interface VersionedBody {
  body: string;
  schemaVersion: string;
}

/**
 * The body for an endpoint pinned to `endpointVersion`, from the stored envelope (always in the
 * newest version). Pure. When the stored envelope cannot be converted (its type does not exist in
 * that version, which subscriptions prevent, or it is not an envelope at all), it is sent as
 * stored, and the version it names is the one the headers then state: what is sent is what is said.
 */
export function convertBody(stored: VersionedBody, endpointVersion: string): VersionedBody {
  if (stored.schemaVersion === endpointVersion) return stored;
  let envelope: EnvelopeLike;
  try {
    envelope = JSON.parse(stored.body) as EnvelopeLike;
  } catch {
    return stored;
  }
  const converted = convertEnvelope(envelope, endpointVersion);
  if (!converted.ok) return stored;
  return { body: JSON.stringify(converted.envelope), schemaVersion: endpointVersion };
}

/**
 * Bodies already converted, per (event, version), so a fan-out to many endpoints on one old version
 * converts once. Bounded, least recently used out first; the conversion is deterministic, so a
 * cache per process loses nothing when it evicts or when another worker converts the same event.
 */
const CACHE_ENTRIES = 2_000;
const cache = new Map<string, VersionedBody>();

/** The body for this endpoint: the one place the worker decides what an endpoint receives. */
export function bodyForEndpoint(job: {
  eventId: string;
  body: string;
  schemaVersion: string;
  endpointSchemaVersion: string;
}): VersionedBody {
  const stored = { body: job.body, schemaVersion: job.schemaVersion };
  if (job.endpointSchemaVersion === job.schemaVersion) return stored;
  const key = `${job.eventId} ${job.endpointSchemaVersion}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const converted = convertBody(stored, job.endpointSchemaVersion);
  cache.set(key, converted);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return converted;
}
