import { type Db, withRetries } from '@bookflow/pg';
import type { IncomingJob } from '../../jobs/job.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import {
  type ClaimOptions,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_VOLUME_RETENTION_MS,
  type ReceiverStore,
} from '../store.ts';
import { AcceptBatcher } from './accept-batcher.ts';
import { migrate } from './migrate.ts';
import { claimJobs } from './sql/claim.ts';
import { completeJob } from './sql/complete.ts';
import { deadLetterJob } from './sql/dead-letter.ts';
import { queueDepth } from './sql/depth.ts';
import { extendLease } from './sql/extend-lease.ts';
import { getLedgerEntry } from './sql/ledger-get.ts';
import { putLedgerEntry } from './sql/ledger-put.ts';
import { listDeadLetters } from './sql/list-dead-letters.ts';
import { notifyJobs } from './sql/notify-jobs.ts';
import { reapExpiredLeases } from './sql/reap.ts';
import { releaseJob } from './sql/release.ts';
import { replayDeadLetter } from './sql/replay-dead-letter.ts';
import { retryJob } from './sql/retry.ts';
import { sweepExpired } from './sql/sweep-expired.ts';
import { volumeCounts } from './sql/volume-counts.ts';

/** The channel on which accepts and replays wake workers in other processes. */
const JOBS_CHANNEL = 'bookflow_receiver_jobs';

export interface PostgresStoreOptions {
  db: Db;
  /** How long an event id is remembered. Default 7 days. */
  dedupeTtlMs?: number;
  /** Rows deleted per sweep statement. Default 1000. */
  sweepBatchSize?: number;
  /** Apply the receiver's migrations before first use. Default true. */
  migrate?: boolean;
  /**
   * After an accept, NOTIFY workers in other processes, at most once per this many ms. Default
   * 25. The accepting process wakes its own worker directly; this is for receive-only processes
   * with workers elsewhere, which otherwise find new jobs at their next poll.
   */
  notifyDebounceMs?: number;
  /** How long hourly counts are kept for the volume check. Default DEFAULT_VOLUME_RETENTION_MS. */
  volumeRetentionMs?: number;
}

/** Counter rows per hour and type (migration 0004): enough that a few processes rarely share one. */
const VOLUME_SHARDS = 16;

/** The default store: dedupe, queue, dead letter and ledger in the application's Postgres. */
export class PostgresStore implements ReceiverStore {
  readonly kind = 'postgres';
  readonly ledger: Ledger;
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #batch: number;
  readonly #notifyDebounceMs: number;
  readonly #volumeRetentionMs: number;
  readonly #accepts: AcceptBatcher;
  #notifyTimer: NodeJS.Timeout | undefined;

  private constructor(options: PostgresStoreOptions) {
    this.#db = options.db;
    this.#ttlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.#batch = options.sweepBatchSize ?? 1000;
    this.#notifyDebounceMs = options.notifyDebounceMs ?? 25;
    this.#volumeRetentionMs = options.volumeRetentionMs ?? DEFAULT_VOLUME_RETENTION_MS;
    this.#accepts = new AcceptBatcher(this.#db, this.#ttlMs, Math.floor(Math.random() * VOLUME_SHARDS));
    const db = this.#db;
    this.ledger = {
      get: (eventId, stepKey) => withRetries(() => getLedgerEntry(db, eventId, stepKey)),
      put: (eventId, stepKey, value, now) =>
        withRetries(() => putLedgerEntry(db, eventId, stepKey, value, now)),
    };
  }

  /** Creates the store and, unless told otherwise, migrates the receiver's tables. */
  static async create(options: PostgresStoreOptions): Promise<PostgresStore> {
    if (options.migrate ?? true) await migrate(options.db);
    return new PostgresStore(options);
  }

  get db(): Db {
    return this.#db;
  }

  /** Concurrent accepts share one statement and one commit (accept-batcher.ts). */
  async accept(job: IncomingJob) {
    const outcome = await this.#accepts.accept(job);
    if (outcome === 'enqueued') this.#announce();
    return outcome;
  }

  /**
   * NOTIFY outside the accept, debounced. A NOTIFY inside the accepting transaction (a trigger was
   * the first version) takes Postgres's global notification lock at every commit, serialising
   * the commits of concurrent acknowledgements, which cost acknowledgement throughput.
   */
  #announce() {
    if (this.#notifyTimer) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = undefined;
      notifyJobs(this.#db).catch(() => undefined);
    }, this.#notifyDebounceMs);
    this.#notifyTimer.unref();
  }

  claim({ workerId, limit, leaseMs, now }: ClaimOptions) {
    return withRetries(() => claimJobs(this.#db, workerId, limit, leaseMs, now));
  }

  extendLease(eventId: string, workerId: string, until: Date) {
    return withRetries(() => extendLease(this.#db, eventId, workerId, until));
  }

  complete(eventId: string, workerId: string) {
    return withRetries(() => completeJob(this.#db, eventId, workerId));
  }

  retry(eventId: string, workerId: string, runAt: Date, error: string) {
    return withRetries(() => retryJob(this.#db, eventId, workerId, runAt, error));
  }

  deadLetter(eventId: string, workerId: string, at: Date, error: string) {
    return withRetries(() => deadLetterJob(this.#db, eventId, workerId, at, error));
  }

  release(eventId: string, workerId: string, now: Date) {
    return withRetries(() => releaseJob(this.#db, eventId, workerId, now));
  }

  reapExpiredLeases(now: Date) {
    return withRetries(() => reapExpiredLeases(this.#db, now));
  }

  volumeCounts(hours: readonly Date[]) {
    return withRetries(() => volumeCounts(this.#db, hours));
  }

  sweepExpired(now: Date) {
    return sweepExpired(this.#db, now, this.#batch, this.#volumeRetentionMs);
  }

  listDeadLetters(options: { limit?: number } = {}) {
    return listDeadLetters(this.#db, options.limit ?? 100);
  }

  replayDeadLetter(eventId: string, now: Date) {
    return replayDeadLetter(this.#db, eventId, now);
  }

  depth() {
    return queueDepth(this.#db);
  }

  subscribe(onJob: () => void) {
    return this.#db.listen(JOBS_CHANNEL, () => onJob());
  }

  close() {
    clearTimeout(this.#notifyTimer);
    this.#notifyTimer = undefined;
    return this.#db.close();
  }
}
