import { randomBytes } from 'node:crypto';
import { Wakeup } from '@bookflow/pg';
import type { AttemptResult, Sender } from '../delivery/http/index.ts';
import type { ClaimedDelivery } from '../delivery/queue/claimed-delivery.ts';
import { HeldLeases } from '../delivery/queue/held-leases.ts';
import { WORKERS_CHANNEL } from '../delivery/queue/notify-workers.ts';
import { type AttemptDeps, attemptDelivery } from '../delivery/worker/attempt.ts';
import { FailureBatcher } from '../delivery/worker/failure-batcher.ts';
import { SuccessBatcher } from '../delivery/worker/success-batcher.ts';
import { traceClaims } from '../tracing/delivery-spans.ts';
import { claimForCliEndpoint, releaseToQueue } from './claim-for-endpoint.ts';
import { extendCliEndpoint } from './cli-endpoints.ts';
import type { ForwardedDelivery } from './forwarded-delivery.ts';

/**
 * Deliveries handed to one CLI at a time: a laptop's local server is one process, and the CLI
 * reports each answer back over its own request; more would only queue on the laptop.
 */
const IN_FLIGHT = 8;

export interface ListenSettings {
  leaseMs: number;
  pollIntervalMs: number;
  /** How long the CLI may take to report an answer before the attempt counts as timed out. */
  answerTimeoutMs: number;
  ttlMs: number;
}

/** The CLI went away before answering: the attempt is not recorded, the delivery goes back to the queue. */
class SessionClosed extends Error {}

/**
 * A `bookflow listen` connection held by this API process. It claims its 'cli' endpoint's due
 * deliveries with a lease (its id is the lease owner), and makes each attempt with the worker's own
 * attemptDelivery, whose sender here pushes the signed request to the CLI and waits for the answer
 * the CLI reports. The attempt, retry schedule, dead letter and endpoint health are therefore
 * recorded exactly as for an endpoint the worker POSTs to.
 */
export class ListenSession {
  readonly id = `listen-${randomBytes(6).toString('hex')}`;
  private readonly waiting = new Map<
    string,
    { attempt: number; resolve: (r: AttemptResult) => void; reject: (e: Error) => void }
  >();
  private readonly held: HeldLeases;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly wakeup = new Wakeup();
  private readonly deps: AttemptDeps;
  private running = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    deps: Omit<AttemptDeps, 'workerId' | 'successes' | 'failures' | 'sender'>,
    readonly endpoint: { id: string; accountId: string },
    private readonly settings: ListenSettings,
    private readonly push: (delivery: ForwardedDelivery) => void,
  ) {
    const unused: Sender = { send: () => Promise.reject(new Error('unused')), close: async () => {} };
    this.deps = {
      ...deps,
      sender: unused,
      workerId: this.id,
      successes: new SuccessBatcher(deps.db, this.id),
      failures: new FailureBatcher(deps.db, this.id, deps.endpointDisableAfterMs),
    };
    this.held = new HeldLeases(deps.db, this.id, settings.leaseMs);
  }

  async start(): Promise<void> {
    this.running = true;
    this.unlisten = await this.deps.db.listen(WORKERS_CHANNEL, () => this.wakeup.wake());
    this.held.startRenewing(() => this.renew());
    this.loop = this.run();
  }

  /** The CLI's answer to one forwarded delivery; false when none is awaited (late, or another session's). */
  report(deliveryId: string, attempt: number, result: AttemptResult): boolean {
    const waiter = this.waiting.get(deliveryId);
    if (!waiter || waiter.attempt !== attempt) return false;
    this.waiting.delete(deliveryId);
    waiter.resolve(result);
    return true;
  }

  /** The CLI disconnected: stop claiming; deliveries it never answered go back to the queue at once. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeup.wake();
    for (const waiter of this.waiting.values()) waiter.reject(new SessionClosed());
    this.waiting.clear();
    await this.loop;
    await Promise.allSettled(this.inFlight);
    this.held.stopRenewing();
    await this.unlisten?.().catch(() => {});
    // It expires a TTL after this last CLI went away.
    await extendCliEndpoint(this.deps.db, this.endpoint.id, this.settings.ttlMs).catch(() => {});
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const claimStarted = new Date();
        const jobs = await claimForCliEndpoint(this.deps.db, {
          endpointId: this.endpoint.id,
          limit: IN_FLIGHT - this.inFlight.size,
          leaseMs: this.settings.leaseMs,
          sessionId: this.id,
        });
        traceClaims(jobs, claimStarted);
        for (const job of jobs) this.launch(job);
        if (jobs.length === 0 || this.inFlight.size >= IN_FLIGHT) {
          await this.wakeup.wait(this.settings.pollIntervalMs);
        }
      } catch (err) {
        this.deps.logger.error({ err, endpoint_id: this.endpoint.id }, 'listen claim failed; retrying');
        await this.wakeup.wait(this.settings.pollIntervalMs);
      }
    }
  }

  private launch(job: ClaimedDelivery): void {
    this.held.add(job.id);
    const task = attemptDelivery({ ...this.deps, sender: this.senderFor(job) }, job)
      .catch(async (err) => {
        if (err instanceof SessionClosed) {
          await releaseToQueue(this.deps.db, [job.id], this.id).catch(() => {});
          return;
        }
        this.deps.logger.error({ err, delivery_id: job.id }, 'recording a listen attempt failed');
      })
      .finally(() => {
        this.held.delete(job.id);
        this.inFlight.delete(task);
        this.wakeup.wake();
      });
    this.inFlight.add(task);
  }

  /** Pushes the signed request to the CLI and resolves with the answer it reports (or a timeout). */
  private senderFor(job: ClaimedDelivery): Sender {
    return {
      send: (req) =>
        new Promise<AttemptResult>((resolve, reject) => {
          if (!this.running) return reject(new SessionClosed());
          const started = Date.now();
          const timer = setTimeout(() => {
            this.waiting.delete(job.id);
            resolve(timedOut(Date.now() - started, this.settings.answerTimeoutMs));
          }, this.settings.answerTimeoutMs);
          this.waiting.set(job.id, {
            attempt: job.attempt,
            resolve: (r) => {
              clearTimeout(timer);
              resolve(r);
            },
            reject: (e) => {
              clearTimeout(timer);
              reject(e);
            },
          });
          this.push({
            delivery_id: job.id,
            event_id: job.eventId,
            event_type: job.eventType,
            attempt: job.attempt,
            headers: req.headers,
            body: typeof req.body === 'string' ? req.body : req.body.toString('utf8'),
          });
        }),
      close: async () => {},
    };
  }

  private async renew(): Promise<void> {
    try {
      await this.held.renew();
      await extendCliEndpoint(this.deps.db, this.endpoint.id, this.settings.ttlMs);
    } catch (err) {
      this.deps.logger.warn({ err, endpoint_id: this.endpoint.id }, 'listen lease renewal failed');
    }
  }
}

function timedOut(durationMs: number, limitMs: number): AttemptResult {
  return {
    ok: false,
    statusCode: null,
    durationMs,
    responseBody: null,
    responseBodyEncoding: null,
    responseContentType: null,
    responseTruncated: false,
    retryAfterSeconds: null,
    error: { kind: 'timeout', message: `the CLI reported no answer within ${limitMs} ms` },
  };
}
