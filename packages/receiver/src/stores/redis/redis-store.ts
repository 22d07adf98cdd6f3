import type { Redis } from 'ioredis';
import type { AcceptOutcome, DeadLetter, IncomingJob, Job, QueueDepth } from '../../jobs/job.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import { HOUR_MS, hourStart } from '../../time/hours.ts';
import {
  type ClaimOptions,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_VOLUME_RETENTION_MS,
  type HourlyCount,
  type ReceiverStore,
} from '../store.ts';
import {
  ACCEPT,
  CLAIM,
  COMPLETE,
  DEAD_LETTER,
  EXTEND_LEASE,
  REAP,
  RELEASE,
  REPLAY,
  RETRY,
  run,
} from './scripts.ts';

export interface RedisStoreOptions {
  redis: Redis;
  /** Prefix of every key. Default `bookflow:receiver:`; use a hash tag (`{bookflow}:receiver:`) on Redis Cluster. */
  keyPrefix?: string;
  dedupeTtlMs?: number;
  /** Quit the client in `close()`. Default true. */
  ownsClient?: boolean;
  /** How long hourly counts are kept for the volume check. Default DEFAULT_VOLUME_RETENTION_MS. */
  volumeRetentionMs?: number;
}

/**
 * Redis layout (P = key prefix):
 *   P seen:<id>    string, SET NX PX <ttl>: the dedupe key
 *   P job:<id>     hash: the job (body, headers, traceparent, attempts, status, lease holder)
 *   P queued       zset of ids by run-at time (ms)
 *   P running      zset of ids by lease end (ms): the reaper returns the expired ones
 *   P dead         zset of ids by dead-letter time: the local dead letter
 *   P ledger:<id>  hash step key -> JSON result; expires with the dedupe TTL once the job completes
 *   P volume:<ms>  hash event type -> accepted events in the hour starting at <ms>; expires after
 *                  the volume retention
 */
export class RedisStore implements ReceiverStore {
  readonly kind = 'redis';
  readonly ledger: Ledger;
  readonly #redis: Redis;
  readonly #p: string;
  readonly #ttlMs: number;
  readonly #volumeRetentionMs: number;
  readonly #ownsClient: boolean;

  constructor(options: RedisStoreOptions) {
    if (options.redis.options.keyPrefix) {
      // Scripts build job keys from ARGV, which ioredis would not prefix: the two would disagree.
      throw new TypeError('RedisStore: pass keyPrefix to the store, not to the ioredis client');
    }
    this.#redis = options.redis;
    this.#p = options.keyPrefix ?? 'bookflow:receiver:';
    this.#ttlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.#ownsClient = options.ownsClient ?? true;
    this.#volumeRetentionMs = options.volumeRetentionMs ?? DEFAULT_VOLUME_RETENTION_MS;
    const redis = this.#redis;
    this.ledger = {
      get: async (eventId, stepKey) => {
        const raw = await redis.hget(this.#key('ledger', eventId), stepKey);
        return raw === null ? undefined : { value: JSON.parse(raw) };
      },
      put: async (eventId, stepKey, value) => {
        await redis.hsetnx(this.#key('ledger', eventId), stepKey, JSON.stringify(value ?? null));
      },
    };
  }

  get keyPrefix(): string {
    return this.#p;
  }

  #key(kind: 'seen' | 'job' | 'ledger' | 'volume', eventId: string) {
    return `${this.#p}${kind}:${eventId}`;
  }

  get #queued() {
    return `${this.#p}queued`;
  }
  get #running() {
    return `${this.#p}running`;
  }
  get #dead() {
    return `${this.#p}dead`;
  }
  get #wake() {
    return `${this.#p}wake`;
  }

  async accept(job: IncomingJob): Promise<AcceptOutcome> {
    const hour = hourStart(job.receivedAt).getTime();
    const result = await run(
      this.#redis,
      ACCEPT,
      [
        this.#key('seen', job.eventId),
        this.#key('job', job.eventId),
        this.#queued,
        this.#wake,
        this.#key('volume', String(hour)),
      ],
      [
        this.#ttlMs,
        job.receivedAt.getTime(),
        job.eventId,
        job.eventType,
        job.schemaVersion,
        job.body,
        JSON.stringify(job.headers),
        hour + HOUR_MS + this.#volumeRetentionMs,
        job.traceparent ?? '',
      ],
    );
    return result === 1 ? 'enqueued' : 'duplicate';
  }

  async volumeCounts(hours: readonly Date[]): Promise<HourlyCount[]> {
    const starts = [...new Set(hours.map((h) => hourStart(h).getTime()))];
    const pipeline = this.#redis.pipeline();
    for (const hour of starts) pipeline.hgetall(this.#key('volume', String(hour)));
    const results = (await pipeline.exec()) ?? [];
    return results.flatMap(([error, value], i) => {
      if (error) throw error;
      return Object.entries(value as Record<string, string>).map(([eventType, count]) => ({
        hour: new Date(starts[i]!),
        eventType,
        count: Number(count),
      }));
    });
  }

  async claim({ workerId, limit, leaseMs, now }: ClaimOptions): Promise<Job[]> {
    const t = now.getTime();
    const rows = (await run(
      this.#redis,
      CLAIM,
      [this.#queued, this.#running],
      [t, limit, t + leaseMs, workerId, `${this.#p}job:`],
    )) as string[][];
    return rows.map((flat) => toJob(pairs(flat)));
  }

  async extendLease(eventId: string, workerId: string, until: Date) {
    const keys = [this.#key('job', eventId), this.#running];
    return (await run(this.#redis, EXTEND_LEASE, keys, [eventId, workerId, until.getTime()])) === 1;
  }

  async complete(eventId: string, workerId: string) {
    const keys = [this.#key('job', eventId), this.#running, this.#key('ledger', eventId)];
    return (await run(this.#redis, COMPLETE, keys, [eventId, workerId, this.#ttlMs])) === 1;
  }

  async retry(eventId: string, workerId: string, runAt: Date, error: string) {
    const keys = [this.#key('job', eventId), this.#running, this.#queued];
    return (await run(this.#redis, RETRY, keys, [eventId, workerId, runAt.getTime(), error])) === 1;
  }

  async deadLetter(eventId: string, workerId: string, at: Date, error: string) {
    const keys = [this.#key('job', eventId), this.#running, this.#dead];
    return (await run(this.#redis, DEAD_LETTER, keys, [eventId, workerId, at.getTime(), error])) === 1;
  }

  async release(eventId: string, workerId: string, now: Date) {
    const keys = [this.#key('job', eventId), this.#running, this.#queued];
    return (await run(this.#redis, RELEASE, keys, [eventId, workerId, now.getTime()])) === 1;
  }

  async reapExpiredLeases(now: Date) {
    const keys = [this.#running, this.#queued];
    return (await run(this.#redis, REAP, keys, [now.getTime(), `${this.#p}job:`])) as number;
  }

  /** Redis expires dedupe keys by itself (PX). */
  async sweepExpired() {
    return 0;
  }

  async listDeadLetters(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    const ids = await this.#redis.zrange(this.#dead, 0, (options.limit ?? 100) - 1);
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#key('job', id));
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([, value]) => value as Record<string, string>)
      .filter((h) => h && Object.keys(h).length > 0)
      .map((h) => ({ ...toJob(h), deadAt: new Date(Number(h.deadAt)) }));
  }

  async replayDeadLetter(eventId: string, now: Date) {
    const keys = [this.#key('job', eventId), this.#dead, this.#queued, this.#wake];
    return (await run(this.#redis, REPLAY, keys, [eventId, now.getTime()])) === 1;
  }

  async depth(): Promise<QueueDepth> {
    const [queued, running, dead] = await Promise.all([
      this.#redis.zcard(this.#queued),
      this.#redis.zcard(this.#running),
      this.#redis.zcard(this.#dead),
    ]);
    return { queued, running, dead };
  }

  /** Pub/sub needs a connection of its own, so the subscriber duplicates the client. */
  async subscribe(onJob: () => void) {
    const subscriber = this.#redis.duplicate();
    subscriber.on('message', () => onJob());
    await subscriber.subscribe(this.#wake);
    return async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }

  async close() {
    if (this.#ownsClient) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function toJob(h: Record<string, string>): Job {
  return {
    eventId: h.eventId ?? '',
    eventType: h.eventType ?? '',
    schemaVersion: h.schemaVersion ?? '',
    // `payload` held the same JSON text before the field was renamed (jobs queued by an older kit).
    body: h.body ?? h.payload ?? '{}',
    headers: JSON.parse(h.headers ?? '{}'),
    receivedAt: new Date(Number(h.receivedAt)),
    attempts: Number(h.attempts ?? 0),
    lastError: h.lastError ? h.lastError : null,
    ...(h.traceparent ? { traceparent: h.traceparent } : {}),
  };
}
