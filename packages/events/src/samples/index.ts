import { randomUUID } from 'node:crypto';
import { type Envelope, type EventDataMap, type EventType, SCHEMA_VERSION } from '../types.ts';
import { convertEnvelope, type SchemaVersion } from '../versions/index.ts';
import { iso } from './clock.ts';
import { generators, type Scene } from './generators.ts';
import { type Cast, sampleCast } from './people.ts';
import { Random, randomSeed } from './random.ts';

export interface SampleOptions {
  /** Same seed and same `now`, same payload. Omitted: a random seed. */
  seed?: number;
  /**
   * The moment the event happens; every timestamp is placed relative to it. Omitted: the current
   * time, except when a seed is given, where a fixed instant is used so the seed alone pins the
   * whole payload (the catalogue's examples and snapshot tests rely on that).
   */
  now?: Date;
}

export interface SampleEnvelopeOptions extends SampleOptions {
  accountId?: string;
  /** The envelope id. Omitted: a random UUID, as a real event would get. */
  id?: string;
}

export interface VersionedSampleEnvelopeOptions extends SampleEnvelopeOptions {
  /** The schema version to shape the envelope in (converted down from the newest). */
  version: SchemaVersion;
}

/** Where seeded samples sit in time when no `now` is given: the day schema 2026-04-10 shipped. */
const SEEDED_NOW = new Date('2026-04-10T17:30:00.000Z');

/**
 * The lead's score (2026-09-01) comes from a stream of its own, so adding it left every other
 * drawn value of a seed as it was: examples and stored fixtures did not churn.
 */
function withScore(cast: Cast, seed: number | undefined): Cast {
  const rnd = new Random((seed ?? randomSeed()) + 0x5c0e);
  const score = rnd.chance(0.85) ? rnd.int(0, 100) : null;
  return { ...cast, lead: { ...cast.lead, score } };
}

function scene(options: SampleOptions): Scene {
  const rnd = new Random(options.seed ?? randomSeed());
  const now = options.now ?? (options.seed === undefined ? new Date() : SEEDED_NOW);
  const cast = withScore(sampleCast(rnd), options.seed);
  const callId = rnd.id('call');
  const meetingId = rnd.id('mtg');
  // Most of the agent's calls are outbound: it works through lead lists.
  return { rnd, now, cast, callId, meetingId, direction: rnd.chance(0.85) ? 'outbound' : 'inbound' };
}

/** A realistic, internally consistent `data` payload for `type`. */
export function sampleData<T extends EventType>(type: T, options: SampleOptions = {}): EventDataMap[T] {
  const generate = generators[type] as (scene: Scene) => EventDataMap[T];
  return generate(scene(options));
}

/** A whole envelope around sampleData, as the platform would deliver it. */
export function sampleEnvelope<T extends EventType>(
  type: T,
  options: SampleEnvelopeOptions = {},
): Envelope<T> {
  const now = options.now ?? (options.seed === undefined ? new Date() : SEEDED_NOW);
  const data = sampleData(type, { ...options, now });
  return {
    id: options.id ?? randomUUID(),
    type,
    created_at: iso(now),
    // A stream of its own (seed offset), so the account id does not echo the data's ids.
    account_id: options.accountId ?? new Random((options.seed ?? randomSeed()) + 0x2545f491).id('acct', 12),
    schema_version: SCHEMA_VERSION,
    data,
  };
}

/** A sample envelope in an older (or the newest) schema version, as an endpoint pinned to it receives it. */
export function sampleVersionedEnvelope(
  type: EventType,
  options: VersionedSampleEnvelopeOptions,
): VersionedSampleEnvelope {
  const converted = convertEnvelope(sampleEnvelope(type, options), options.version);
  if (!converted.ok) throw new RangeError(`${type} does not exist in schema version ${options.version}`);
  return converted.envelope as VersionedSampleEnvelope;
}

/** An envelope whose `data` is in some version's shape (see EventDataByVersion for the types). */
export type VersionedSampleEnvelope = Omit<Envelope, 'data'> & { data: Record<string, unknown> };
