import type { AcceptOutcome, DeadLetter, IncomingJob, Job, QueueDepth } from '../../jobs/job.ts';
import type { Ledger, LedgerEntry } from '../../ledger/ledger.ts';
import {
  type ClaimOptions,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_VOLUME_RETENTION_MS,
  type ReceiverStore,
} from '../store.ts';
import { MemoryVolume } from './memory-volume.ts';

interface MemoryJob extends Job {
  status: 'queued' | 'running' | 'dead';
  runAt: number;
  lockedBy: string | null;
  lockedUntil: number;
  deadAt: number | null;
}

export interface MemoryStoreOptions {
  dedupeTtlMs?: number;
  /** How long hourly counts are kept for the volume check. Default DEFAULT_VOLUME_RETENTION_MS. */
  volumeRetentionMs?: number;
}

/**
 * For tests and local development: the same semantics as the Postgres store, in one process's
 * memory. Atomicity comes free because each method finishes without awaiting. Everything is lost
 * when the process exits, so it cannot keep the "survives a crash" promise.
 */
export class MemoryStore implements ReceiverStore {
  readonly kind = 'memory';
  readonly #ttlMs: number;
  readonly #seen = new Map<string, number>(); // event id -> expires at (ms)
  readonly #jobs = new Map<string, MemoryJob>();
  readonly #ledger = new Map<string, LedgerEntry>();
  readonly #volume = new MemoryVolume();
  readonly #volumeRetentionMs: number;
  readonly ledger: Ledger;

  constructor(options: MemoryStoreOptions = {}) {
    this.#ttlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.#volumeRetentionMs = options.volumeRetentionMs ?? DEFAULT_VOLUME_RETENTION_MS;
    this.ledger = {
      get: async (eventId, stepKey) => this.#ledger.get(ledgerKey(eventId, stepKey)),
      put: async (eventId, stepKey, value) => {
        const key = ledgerKey(eventId, stepKey);
        if (!this.#ledger.has(key)) this.#ledger.set(key, { value: structuredClone(value ?? null) });
      },
    };
  }

  async accept(job: IncomingJob): Promise<AcceptOutcome> {
    const now = job.receivedAt.getTime();
    const expiresAt = this.#seen.get(job.eventId);
    if (expiresAt !== undefined && expiresAt > now) return 'duplicate';
    this.#seen.set(job.eventId, now + this.#ttlMs);
    if (this.#jobs.has(job.eventId)) return 'duplicate';
    this.#jobs.set(job.eventId, {
      ...structuredClone(job),
      attempts: 0,
      lastError: null,
      status: 'queued',
      runAt: now,
      lockedBy: null,
      lockedUntil: 0,
      deadAt: null,
    });
    this.#volume.add(job.eventType, job.receivedAt);
    return 'enqueued';
  }

  async volumeCounts(hours: readonly Date[]) {
    return this.#volume.counts(hours);
  }

  async claim({ workerId, limit, leaseMs, now }: ClaimOptions): Promise<Job[]> {
    const t = now.getTime();
    const due = [...this.#jobs.values()]
      .filter((j) => j.status === 'queued' && j.runAt <= t)
      .sort((a, b) => a.runAt - b.runAt)
      .slice(0, limit);
    for (const job of due) {
      job.status = 'running';
      job.lockedBy = workerId;
      job.lockedUntil = t + leaseMs;
      job.attempts += 1;
    }
    return due.map(toJob);
  }

  async extendLease(eventId: string, workerId: string, until: Date) {
    const job = this.#held(eventId, workerId);
    if (job) job.lockedUntil = until.getTime();
    return job !== undefined;
  }

  async complete(eventId: string, workerId: string) {
    const job = this.#held(eventId, workerId);
    if (job) this.#jobs.delete(eventId);
    return job !== undefined;
  }

  async retry(eventId: string, workerId: string, runAt: Date, error: string) {
    const job = this.#held(eventId, workerId);
    if (job)
      Object.assign(job, { status: 'queued', runAt: runAt.getTime(), lastError: error, lockedBy: null });
    return job !== undefined;
  }

  async deadLetter(eventId: string, workerId: string, at: Date, error: string) {
    const job = this.#held(eventId, workerId);
    if (job) Object.assign(job, { status: 'dead', deadAt: at.getTime(), lastError: error, lockedBy: null });
    return job !== undefined;
  }

  async release(eventId: string, workerId: string, now: Date) {
    const job = this.#held(eventId, workerId);
    if (job) {
      Object.assign(job, { status: 'queued', runAt: now.getTime(), lockedBy: null });
      job.attempts = Math.max(job.attempts - 1, 0);
    }
    return job !== undefined;
  }

  async reapExpiredLeases(now: Date) {
    let reaped = 0;
    for (const job of this.#jobs.values()) {
      if (job.status === 'running' && job.lockedUntil < now.getTime()) {
        Object.assign(job, { status: 'queued', runAt: now.getTime(), lockedBy: null });
        job.lastError ??= 'lease expired';
        reaped++;
      }
    }
    return reaped;
  }

  async sweepExpired(now: Date) {
    this.#volume.sweep(new Date(now.getTime() - this.#volumeRetentionMs));
    let swept = 0;
    for (const [eventId, expiresAt] of this.#seen) {
      if (expiresAt <= now.getTime() && !this.#jobs.has(eventId)) {
        this.#seen.delete(eventId);
        for (const key of this.#ledger.keys()) if (key.startsWith(`${eventId}\n`)) this.#ledger.delete(key);
        swept++;
      }
    }
    return swept;
  }

  async listDeadLetters(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return [...this.#jobs.values()]
      .filter((j) => j.status === 'dead')
      .sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0))
      .slice(0, options.limit ?? 100)
      .map((j) => ({ ...toJob(j), deadAt: new Date(j.deadAt ?? 0) }));
  }

  async replayDeadLetter(eventId: string, now: Date) {
    const job = this.#jobs.get(eventId);
    if (job?.status !== 'dead') return false;
    Object.assign(job, { status: 'queued', runAt: now.getTime(), attempts: 0, deadAt: null });
    return true;
  }

  async depth(): Promise<QueueDepth> {
    const depth = { queued: 0, running: 0, dead: 0 };
    for (const job of this.#jobs.values()) depth[job.status]++;
    return depth;
  }

  async close() {}

  #held(eventId: string, workerId: string): MemoryJob | undefined {
    const job = this.#jobs.get(eventId);
    return job?.status === 'running' && job.lockedBy === workerId ? job : undefined;
  }
}

function ledgerKey(eventId: string, stepKey: string) {
  return `${eventId}\n${stepKey}`;
}

function toJob(job: MemoryJob): Job {
  return structuredClone({
    eventId: job.eventId,
    eventType: job.eventType,
    schemaVersion: job.schemaVersion,
    body: job.body,
    headers: job.headers,
    receivedAt: job.receivedAt,
    attempts: job.attempts,
    lastError: job.lastError,
    ...(job.traceparent ? { traceparent: job.traceparent } : {}),
  });
}
