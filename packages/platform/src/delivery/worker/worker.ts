import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { DELIVERIES_CHANNEL } from '../../events/publish.ts';
import { type ClaimedDelivery, claimDue, type EndpointLimitDefaults, NO_LIMITS } from '../queue/claim.ts';
import { msUntilNextClaimable } from '../queue/next-due.ts';
import { reapExpiredLeases } from '../queue/reap.ts';
import { type AttemptDeps, attemptDelivery } from './attempt.ts';
import { SendPacer } from './pacer.ts';
import { SuccessBatcher } from './success-batcher.ts';
import { Wakeup } from './wakeup.ts';

/** Longest wait before claiming again after a failed claim. */
const CLAIM_RETRY_MS = 250;

export interface WorkerOptions {
  batchSize: number;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  reaperIntervalMs: number;
  /** Per-endpoint limits for endpoints that set none (0 = unlimited); see queue/claim-limited.ts. */
  endpointDefaults?: EndpointLimitDefaults;
}

/**
 * Keeps up to `concurrency` attempts in flight. Each attempt is recorded as soon as it ends, so a
 * slow endpoint only occupies its own slots and never holds back a batch of fast ones.
 */
export class DeliveryWorker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly wakeup = new Wakeup();
  private readonly pacer = new SendPacer();
  private running = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private reaper: NodeJS.Timeout | null = null;
  private readonly deps: AttemptDeps;

  constructor(
    deps: Omit<AttemptDeps, 'workerId' | 'successes'>,
    private readonly options: WorkerOptions,
  ) {
    this.deps = { ...deps, workerId: this.id, successes: new SuccessBatcher(deps.db, this.id) };
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.deps.db.listen(DELIVERIES_CHANNEL, () => this.wakeup.wake());
    this.reaper = setInterval(() => void this.reap(), this.options.reaperIntervalMs);
    this.reaper.unref();
    await this.reap();
    this.loop = this.run();
    this.logger.info({ worker_id: this.id }, 'delivery worker started');
  }

  /** Stops claiming, lets in-flight attempts finish and record, then returns. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.reaper) clearInterval(this.reaper);
    this.wakeup.wake();
    await this.loop;
    await Promise.allSettled(this.inFlight);
    await this.unlisten?.().catch(() => {});
    this.logger.info({ worker_id: this.id }, 'delivery worker stopped');
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const claimed = await this.claim();
        // Fewer rows than asked for means nothing else is claimable right now.
        if (claimed === 'full' || claimed.got < claimed.asked)
          await this.wakeup.wait(await this.idleMs(claimed));
      } catch (err) {
        // Database unreachable or restarting: try again soon (not a whole, possibly long, poll
        // interval: a lost connection usually comes back at once); leases protect claimed work.
        this.logger.error({ err }, 'claim failed; retrying');
        await this.wakeup.wait(Math.min(this.options.pollIntervalMs, CLAIM_RETRY_MS));
      }
    }
  }

  /** Claims what fits in the free slots; 'full' when no slot is free. */
  private async claim(): Promise<{ asked: number; got: number } | 'full'> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 'full';
    const asked = Math.min(this.options.batchSize, free);
    const jobs = await claimDue(this.deps.db, {
      limit: asked,
      leaseMs: this.options.leaseMs,
      workerId: this.id,
      defaults: this.limits,
      // Slots are handed out one polling interval ahead, so polling alone keeps a rate-limited
      // endpoint at its full rate.
      rateHorizonMs: this.options.pollIntervalMs,
    });
    for (const job of jobs) this.launch(job);
    return { asked, got: jobs.length };
  }

  private get limits(): EndpointLimitDefaults {
    return this.options.endpointDefaults ?? NO_LIMITS;
  }

  private launch(job: ClaimedDelivery): void {
    // A rate-limited endpoint's delivery waits for the send slot its claim was given.
    const turn =
      job.rate_limit > 0
        ? this.pacer.waitTurn(job.endpoint_id, job.rate_limit, job.send_in_ms)
        : Promise.resolve();
    const task = turn
      .then(() => attemptDelivery(this.deps, job))
      .catch((err) => {
        // The attempt's outcome could not be recorded; the lease will return the delivery to the queue.
        this.logger.error(
          { err, delivery_id: job.id, event_id: job.event_id },
          'recording the attempt failed',
        );
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.wakeup.wake();
      });
    this.inFlight.add(task);
  }

  /** When idle, sleep until the next delivery is due, but never longer than the polling interval. */
  private async idleMs(claimed: { asked: number; got: number } | 'full'): Promise<number> {
    if (claimed === 'full') return this.options.pollIntervalMs;
    const next = await msUntilNextClaimable(this.deps.db, this.limits);
    return next === null ? this.options.pollIntervalMs : Math.min(next, this.options.pollIntervalMs);
  }

  private async reap(): Promise<void> {
    try {
      const returned = await reapExpiredLeases(this.deps.db);
      if (returned > 0) {
        this.logger.warn({ returned }, 'returned deliveries with expired leases to the queue');
        this.wakeup.wake();
      }
    } catch (err) {
      this.logger.error({ err }, 'lease reaper failed');
    }
  }
}
