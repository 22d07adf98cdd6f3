import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Wakeup } from '@bookflow/pg';
import type { Job } from '../jobs/job.ts';
import { storableText } from '../jobs/storable-text.ts';
import { createOnce } from '../ledger/once.ts';
import { errorFields, type ReceiverLogger } from '../logging/logger.ts';
import { recordFailure, traceJob } from '../tracing/spans.ts';
import { eventFromJob } from './event-from-job.ts';
import type { HandlerContext, HandlerRegistry } from './handlers.ts';
import { Maintenance } from './maintenance.ts';
import { decideAfterFailure, maxAttempts, type RetryPolicy } from './retry-policy.ts';
import { type DeadLetterDeps, sendToDeadLetter } from './send-to-dead-letter.ts';

/** The worker's settings; each one left out takes its value from DEFAULT_WORKER_OPTIONS. */
export interface WorkerOptions {
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How long a claimed job stays ours without a heartbeat; renewed every third of it. */
  leaseMs?: number;
  /** Longest idle wait before looking for due jobs again (retries become due without a wakeup). */
  pollIntervalMs?: number;
  /** How often expired leases are returned to the queue. */
  reapIntervalMs?: number;
  /** How often expired dedupe keys are deleted (Postgres). */
  sweepIntervalMs?: number;
  /** How long stop() waits for running handlers before giving their jobs back. */
  shutdownTimeoutMs?: number;
  /** Identifies this worker's leases. Default host-pid-random, made per process. */
  workerId?: string;
}

/**
 * The worker's defaults, exported so an application's own settings (environment variables, help
 * texts) show the values the kit really uses instead of restating them.
 */
export const DEFAULT_WORKER_OPTIONS: Readonly<Required<Omit<WorkerOptions, 'workerId'>>> = {
  concurrency: 8,
  /** A crashed process's jobs return to the queue within a minute (plus a reap interval). */
  leaseMs: 60_000,
  /** A retry that became due (nothing wakes the worker for it) waits at most a second. */
  pollIntervalMs: 1000,
  reapIntervalMs: 15_000,
  /** Ten minutes: an expired dedupe row is reused even before it is deleted. */
  sweepIntervalMs: 600_000,
  shutdownTimeoutMs: 10_000,
};

export interface WorkerDeps extends DeadLetterDeps {
  handlers: HandlerRegistry;
  retry: RetryPolicy;
  log: ReceiverLogger;
}

interface InFlight {
  job: Job;
  done: Promise<void>;
}

/**
 * Claims due jobs, runs their handlers, and records each outcome: done, retry later, or dead
 * letter (with alerts). Leases are renewed while a handler runs; a crashed process's leases run
 * out and the reaper of any surviving worker returns its jobs.
 */
export class Worker {
  readonly workerId: string;
  readonly #deps: WorkerDeps;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #shutdownMs: number;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #wakeup = new Wakeup();
  readonly #maintenance: Maintenance;
  #abort = new AbortController();
  #running = false;
  #loop: Promise<void> | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(deps: WorkerDeps, options: WorkerOptions = {}) {
    this.#deps = deps;
    this.#concurrency = options.concurrency ?? DEFAULT_WORKER_OPTIONS.concurrency;
    this.#leaseMs = options.leaseMs ?? DEFAULT_WORKER_OPTIONS.leaseMs;
    this.#pollMs = options.pollIntervalMs ?? DEFAULT_WORKER_OPTIONS.pollIntervalMs;
    this.#shutdownMs = options.shutdownTimeoutMs ?? DEFAULT_WORKER_OPTIONS.shutdownTimeoutMs;
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.#maintenance = new Maintenance(deps, {
      reapIntervalMs: options.reapIntervalMs ?? DEFAULT_WORKER_OPTIONS.reapIntervalMs,
      sweepIntervalMs: options.sweepIntervalMs ?? DEFAULT_WORKER_OPTIONS.sweepIntervalMs,
      onReaped: () => this.wake(),
    });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Jobs whose handlers are running now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    // Reap first: leases left by a crashed predecessor are returned before the first claim.
    await this.#maintenance.reapNow();
    this.#maintenance.start();
    if (this.#deps.store.subscribe) {
      try {
        this.#unsubscribe = await this.#deps.store.subscribe(() => this.wake());
      } catch (error) {
        this.#deps.log.warn({ err: errorFields(error) }, 'job notifications unavailable; polling only');
      }
    }
    this.#loop = this.#run();
  }

  /** Look for jobs now rather than at the next poll (called after an accept and when a slot frees). */
  wake(): void {
    this.#wakeup.wake();
  }

  /**
   * Stops claiming, waits up to the shutdown timeout for running handlers, then gives the
   * remaining jobs back to the queue (their attempt not counted) and aborts `ctx.signal`.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wakeup.wake();
    this.#maintenance.stop();
    await this.#loop;
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = undefined;
    if (this.#inFlight.size > 0) {
      const settled = Promise.allSettled([...this.#inFlight.values()].map((f) => f.done));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), this.#shutdownMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) await this.#releaseInFlight();
    }
  }

  async #releaseInFlight() {
    this.#abort.abort(new Error('worker shutting down'));
    const { store, log, clock } = this.#deps;
    for (const { job } of this.#inFlight.values()) {
      const released = await store.release(job.eventId, this.workerId, clock()).catch(() => false);
      log.warn(
        { event_id: job.eventId, released },
        'handler still running at shutdown; job given back to the queue',
      );
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.#concurrency - this.#inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.#deps.store.claim({
            workerId: this.workerId,
            limit: free,
            leaseMs: this.#leaseMs,
            now: this.#deps.clock(),
          });
          claimed = jobs.length;
          for (const job of jobs) this.#launch(job);
        } catch (error) {
          this.#deps.metrics.storeErrors.inc({ operation: 'claim' });
          this.#deps.log.error(
            { err: errorFields(error) },
            'claiming jobs failed; retrying after the poll interval',
          );
        }
      }
      // A full batch suggests more are due: claim again at once. Otherwise wait for a wakeup.
      if (!this.#running || (claimed > 0 && claimed === free)) continue;
      await this.#wakeup.wait(this.#pollMs);
    }
  }

  #launch(job: Job) {
    const attributes = {
      'bookflow.event.id': job.eventId,
      'bookflow.event.type': job.eventType,
      'bookflow.attempt': job.attempts,
    };
    const done = traceJob(job.traceparent, attributes, () => this.#process(job))
      .catch((error) =>
        this.#deps.log.error({ event_id: job.eventId, err: errorFields(error) }, 'worker error'),
      )
      .finally(() => {
        this.#inFlight.delete(job.eventId);
        this.wake();
      });
    this.#inFlight.set(job.eventId, { job, done });
  }

  async #process(job: Job): Promise<void> {
    const { store, handlers, retry, metrics, clock } = this.#deps;
    const log = this.#deps.log.child({
      event_id: job.eventId,
      event_type: job.eventType,
      attempt: job.attempts,
    });
    const type = job.eventType;

    // Counted at claim, so a job over the limit crashed or hung its worker on every try.
    if (job.attempts > maxAttempts(retry)) {
      await sendToDeadLetter(this.#deps, this.workerId, job, job.lastError ?? 'attempts exhausted', log);
      return;
    }

    const handler = handlers.resolve(type);
    if (!handler) {
      await store.complete(job.eventId, this.workerId);
      metrics.processed.inc({ type, outcome: 'unhandled' });
      log.debug({}, 'no handler for this event type; acknowledged and dropped');
      return;
    }

    const ctx: HandlerContext = {
      attempt: job.attempts,
      once: createOnce(store.ledger, job.eventId, clock),
      signal: this.#abort.signal,
      log,
    };
    const heartbeat = setInterval(
      () => {
        const until = new Date(clock().getTime() + this.#leaseMs);
        store.extendLease(job.eventId, this.workerId, until).catch(() => undefined);
      },
      Math.max(this.#leaseMs / 3, 10),
    );

    const started = performance.now();
    let failure: { error: unknown } | undefined;
    try {
      await handler(eventFromJob(job), ctx);
    } catch (error) {
      failure = { error };
      recordFailure(error);
    } finally {
      clearInterval(heartbeat);
    }
    const seconds = (performance.now() - started) / 1000;

    if (!failure) {
      const completed = await store.complete(job.eventId, this.workerId);
      if (!completed) log.warn({}, 'lease lost before completion; another worker holds the job');
      metrics.processed.inc({ type, outcome: 'done' });
      metrics.processingDuration.observe({ type, outcome: 'done' }, seconds);
      metrics.endToEnd.observe({ type }, (clock().getTime() - job.receivedAt.getTime()) / 1000);
      log.debug({ duration_ms: Math.round(seconds * 1000) }, 'event processed');
      return;
    }

    metrics.handlerErrors.inc({ type });
    const message = errorMessage(failure.error);
    const decision = decideAfterFailure(retry, job.attempts, failure.error, clock());
    if (decision.action === 'retry') {
      await store.retry(job.eventId, this.workerId, decision.runAt, message);
      metrics.processed.inc({ type, outcome: 'retry' });
      metrics.processingDuration.observe({ type, outcome: 'retry' }, seconds);
      log.warn(
        { err: errorFields(failure.error), retry_in_ms: decision.delayMs },
        'handler failed; will retry',
      );
      return;
    }
    metrics.processingDuration.observe({ type, outcome: 'dead_letter' }, seconds);
    await sendToDeadLetter(this.#deps, this.workerId, job, message, log, failure.error);
  }
}

function errorMessage(error: unknown): string {
  // Stored as last_error: a NUL in a handler's message must not make the retry's write fail.
  return storableText(error instanceof Error ? `${error.name}: ${error.message}` : String(error), 2000);
}
