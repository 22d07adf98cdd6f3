import type { AcceptOutcome, DeadLetter, IncomingJob, Job, QueueDepth } from '../jobs/job.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { WEEK_MS } from '../time/hours.ts';

export const DEFAULT_DEDUPE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The most previous weeks the volume check is meant to compare with (its default `weeks`): the
 * stores' default retention is sized from it. The check does not refuse more, since a store may be
 * given a longer `volumeRetentionMs`; with the default retention the extra weeks are gone.
 */
export const MAX_VOLUME_WEEKS = 5;

/**
 * How many weeks hourly counts are kept: the volume check compares with up to MAX_VOLUME_WEEKS
 * previous weeks, and one more week leaves room for a check that runs late or a store swept early.
 */
export const DEFAULT_VOLUME_RETENTION_WEEKS = MAX_VOLUME_WEEKS + 1;

/** DEFAULT_VOLUME_RETENTION_WEEKS in milliseconds, each store's default `volumeRetentionMs`. */
export const DEFAULT_VOLUME_RETENTION_MS = DEFAULT_VOLUME_RETENTION_WEEKS * WEEK_MS;

/** Accepted events (verified, not duplicates) of one type in one hour. */
export interface HourlyCount {
  /** The start of the hour, UTC (hours are absolute, so a time zone never shifts them). */
  hour: Date;
  eventType: string;
  count: number;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
}

/**
 * Where the receiver keeps dedupe keys, jobs, the dead letter and the ledger. Three
 * implementations (Postgres, Redis, memory) pass the same conformance suite.
 *
 * Every time comes in as a parameter from the receiver's clock, so tests can drive TTLs and
 * leases without sleeping. Methods that act on a claimed job take the worker id as a fence: a
 * worker whose lease expired (and whose job another worker now holds) changes nothing.
 */
export interface ReceiverStore {
  readonly kind: 'postgres' | 'redis' | 'memory';

  /**
   * Records the event id as seen (expiring after the dedupe TTL) and enqueues the job, as one
   * atomic step: either both happen or neither. Of concurrent calls with the same id, exactly one
   * returns 'enqueued'.
   *
   * An enqueued job also adds one to its type's count for the hour of `receivedAt` (a duplicate
   * adds nothing), in the same step; the volume check reads these counts.
   */
  accept(job: IncomingJob): Promise<AcceptOutcome>;

  /**
   * Accepted events per type in each of the given hours (UTC hour starts). Hours and types with
   * none are left out. Counts are kept for the volume retention (DEFAULT_VOLUME_RETENTION_WEEKS
   * by default).
   */
  volumeCounts(hours: readonly Date[]): Promise<HourlyCount[]>;

  /** Claims up to `limit` due jobs, holding each for `leaseMs`. */
  claim(options: ClaimOptions): Promise<Job[]>;
  /** Keeps a long-running job's lease alive. False when the worker no longer holds it. */
  extendLease(eventId: string, workerId: string, until: Date): Promise<boolean>;
  /** The handler succeeded: the job is gone (its dedupe key stays until it expires). */
  complete(eventId: string, workerId: string): Promise<boolean>;
  /** The handler failed and the policy allows another attempt at `runAt`. */
  retry(eventId: string, workerId: string, runAt: Date, error: string): Promise<boolean>;
  /** The handler failed for the last time: keep the job in the local dead letter. */
  deadLetter(eventId: string, workerId: string, at: Date, error: string): Promise<boolean>;
  /** Graceful shutdown: give the job back without counting the attempt. */
  release(eventId: string, workerId: string, now: Date): Promise<boolean>;
  /** Returns jobs whose lease expired (their worker crashed or hung) to the queue. */
  reapExpiredLeases(now: Date): Promise<number>;
  /**
   * Deletes dedupe keys past their expiry, and hourly counts past the volume retention; returns
   * the dedupe keys deleted. Redis expires keys itself and returns 0.
   */
  sweepExpired(now: Date): Promise<number>;

  listDeadLetters(options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Moves a dead job back to the queue with a fresh attempt budget. False when it is not dead. */
  replayDeadLetter(eventId: string, now: Date): Promise<boolean>;
  depth(): Promise<QueueDepth>;

  /** Results of completed side effects (`ctx.once`), keyed by event id and step key. */
  readonly ledger: Ledger;

  /**
   * Calls `onJob` when another process enqueues a job (Postgres LISTEN/NOTIFY). Optional:
   * workers poll anyway, and a receiver wakes its own worker after each accept.
   */
  subscribe?(onJob: () => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}
