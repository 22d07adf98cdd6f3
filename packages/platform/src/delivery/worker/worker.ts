import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Wakeup } from '@bookflow/pg';
import type { Logger } from 'pino';
import { traceClaims } from '../../tracing/delivery-spans.ts';
import type { Sender } from '../http/index.ts';
import { type ClaimedDelivery, claimDue, type EndpointLimitDefaults, NO_LIMITS } from '../queue/claim.ts';
import { type ClaimShares, heldBackByCaps } from '../queue/claim-shares.ts';
import { HeldLeases } from '../queue/held-leases.ts';
import { msUntilNextClaimable } from '../queue/next-due.ts';
import { WORKERS_CHANNEL } from '../queue/notify-workers.ts';
import { reapExpiredLeases } from '../queue/reap.ts';
import { type AttemptDeps, attemptDelivery } from './attempt.ts';
import { FailureBatcher } from './failure-batcher.ts';
import { FairShares } from './fair-shares.ts';
import { LowWater } from './low-water.ts';
import { OriginGate, originOf } from './origin-gate.ts';
import { SendPacer } from './pacer.ts';
import { SuccessBatcher } from './success-batcher.ts';

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
  /** Sockets per origin in the sender; also the most requests one endpoint has open (fair-shares.ts). */
  connectionsPerOrigin?: number;
  /** Slots one account alone may not take (fair-shares.ts); default a tenth of `concurrency`. */
  reservedSlots?: number;
}

type Claimed = { asked: number; got: number } | 'full' | 'capped';

/**
 * Keeps up to `concurrency` attempts in flight. Each attempt is recorded as soon as it ends, so a
 * slow endpoint only occupies its own slots and never holds back a batch of fast ones. The slots
 * are shared fairly between accounts, then endpoints (fair-shares.ts, queue/claim-fair.ts), and
 * the leases of everything in the worker are renewed while it works on them (queue/held-leases.ts).
 */
export class DeliveryWorker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly wakeup = new Wakeup();
  private readonly lowWater = new LowWater(this.wakeup);
  private readonly pacer = new SendPacer();
  private readonly shares: FairShares;
  private readonly gate: OriginGate;
  /** Deliveries claimed and not yet recorded: their leases are renewed. */
  private readonly held: HeldLeases;
  private running = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private reaper: NodeJS.Timeout | null = null;
  private readonly deps: AttemptDeps;

  constructor(
    deps: Omit<AttemptDeps, 'workerId' | 'successes' | 'failures'>,
    private readonly options: WorkerOptions,
  ) {
    this.deps = {
      ...deps,
      workerId: this.id,
      successes: new SuccessBatcher(deps.db, this.id),
      failures: new FailureBatcher(deps.db, this.id, deps.endpointDisableAfterMs),
    };
    this.held = new HeldLeases(deps.db, this.id, options.leaseMs);
    const connectionsPerOrigin = options.connectionsPerOrigin ?? options.concurrency;
    this.shares = new FairShares({
      concurrency: options.concurrency,
      reservedSlots: options.reservedSlots ?? Math.ceil(options.concurrency / 10),
      connectionsPerOrigin,
    });
    this.gate = new OriginGate(connectionsPerOrigin);
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.deps.db.listen(WORKERS_CHANNEL, () => this.wakeup.wake());
    this.reaper = setInterval(() => void this.reap(), this.options.reaperIntervalMs);
    this.reaper.unref();
    this.held.startRenewing(() => this.renewLeases());
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
    this.held.stopRenewing();
    await this.unlisten?.().catch(() => {});
    this.logger.info({ worker_id: this.id }, 'delivery worker stopped');
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const claimed = await this.claim();
        if (claimed === 'full') await this.wakeup.wait(this.options.pollIntervalMs);
        // As many rows as asked for: more may be due, claim again at once. Held back by a cap:
        // claim again once enough slots have freed (low-water.ts), at once if they already have.
        else if (claimed === 'capped') await this.wakeup.wait(this.options.pollIntervalMs);
        else if (claimed.got < claimed.asked) await this.wakeup.wait(await this.idleMs());
      } catch (err) {
        // Database unreachable or restarting: try again soon (not a whole, possibly long, poll
        // interval: a lost connection usually comes back at once); leases protect claimed work.
        this.logger.error({ err }, 'claim failed; retrying');
        await this.wakeup.wait(Math.min(this.options.pollIntervalMs, CLAIM_RETRY_MS));
      }
    }
  }

  /**
   * Claims what fits in the free slots. 'full' when no slot is free; 'capped' when the claim got
   * fewer rows than it asked for because an endpoint or account reached its cap (the loop waits
   * for room, see low-water.ts); else how many it asked for and got.
   */
  private async claim(): Promise<Claimed> {
    this.lowWater.claimStarts();
    let mark = 0;
    try {
      const free = this.options.concurrency - this.inFlight.size;
      if (free <= 0) return 'full';
      const asked = Math.min(this.options.batchSize, free);
      const shares = this.shares.snapshot();
      const claimStarted = new Date();
      const jobs = await claimDue(this.deps.db, {
        shares,
        limit: asked,
        leaseMs: this.options.leaseMs,
        workerId: this.id,
        defaults: this.limits,
        // Slots are handed out one polling interval ahead, so polling alone keeps a rate-limited
        // endpoint at its full rate.
        rateHorizonMs: this.options.pollIntervalMs,
      });
      traceClaims(jobs, claimStarted);
      this.deps.metrics.workerClaims.inc({ worker_id: this.id });
      this.deps.metrics.workerClaimed.inc({ worker_id: this.id }, jobs.length);
      for (const job of jobs) this.launch(job);
      if (jobs.length < asked && heldBackByCaps(shares, jobs)) mark = this.lowWaterMark(shares);
      return mark > 0 ? 'capped' : { asked, got: jobs.length };
    } finally {
      if (this.lowWater.claimEnded(mark)) this.wakeup.wake();
    }
  }

  /**
   * The slots to let free before claiming again after a claim that caps held back: half an
   * endpoint's cap (or of the batch size if smaller), so a capped endpoint is claimed in batches
   * while the other half of its slots is still busy.
   */
  private lowWaterMark(shares: ClaimShares): number {
    return Math.max(1, Math.floor(Math.min(this.options.batchSize, shares.endpointCap) / 2));
  }

  private get limits(): EndpointLimitDefaults {
    return this.options.endpointDefaults ?? NO_LIMITS;
  }

  private launch(job: ClaimedDelivery): void {
    this.shares.take(job.accountId, job.endpointId);
    this.held.add(job.id);
    let requestOpen = true;
    const endRequest = () => {
      if (!requestOpen) return;
      requestOpen = false;
      this.shares.endRequest(job.endpointId);
    };
    // A rate-limited endpoint's delivery waits for the send slot its claim was given.
    const turn =
      job.rateLimit > 0
        ? this.pacer.waitTurn(job.endpointId, job.rateLimit, job.sendInMs)
        : Promise.resolve();
    const task = turn
      .then(() => attemptDelivery({ ...this.deps, sender: this.gatedSender(job.url, endRequest) }, job))
      .catch((err) => {
        // The attempt's outcome could not be recorded; the lease will return the delivery to the queue.
        this.logger.error(
          { err, delivery_id: job.id, event_id: job.eventId },
          'recording the attempt failed',
        );
      })
      .finally(() => {
        endRequest();
        this.shares.endAttempt(job.accountId);
        this.held.delete(job.id);
        this.inFlight.delete(task);
        this.lowWater.freed(job.limited);
      });
    this.inFlight.add(task);
  }

  /** The sender, behind this worker's per-origin gate, telling `onEnd` when the request is over. */
  private gatedSender(url: string, onEnd: () => void): Sender {
    const inner = this.deps.sender;
    const origin = originOf(url);
    return {
      send: async (req) => {
        if (origin) await this.gate.acquire(origin);
        try {
          return await inner.send(req);
        } finally {
          if (origin) this.gate.release(origin);
          onEnd();
        }
      },
      close: () => inner.close(),
    };
  }

  private async renewLeases(): Promise<void> {
    try {
      await this.held.renew();
    } catch (err) {
      this.logger.error({ err }, 'renewing leases failed');
    }
  }

  /** When idle, sleep until the next delivery is due, but never longer than the polling interval. */
  private async idleMs(): Promise<number> {
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
