import { hostname } from 'node:os';
import { type EventType, type SchemaVersion, type SigningSecret, secretKey } from '@bookflow/events';
import type { Alerter } from './alerts/alert.ts';
import { DeadLetters } from './dead-letter/dead-letters.ts';
import { acceptDelivery, type DeliveryRequest } from './intake/accept-delivery.ts';
import type { AckResponse } from './intake/problems.ts';
import { type ReceiverLogger, silentLogger } from './logging/logger.ts';
import { withTraceIds } from './logging/trace-fields.ts';
import { ReceiverMetrics } from './metrics/metrics.ts';
import type { ReceiverStore } from './stores/store.ts';
import { VolumeCheck, type VolumeCheckOptions } from './volume/check.ts';
import {
  type AnyEventHandler,
  type EventHandler,
  type EventTypeIn,
  HandlerRegistry,
  type VersionedEventHandler,
} from './worker/handlers.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './worker/retry-policy.ts';
import { Worker, type WorkerOptions } from './worker/worker.ts';

export interface ReceiverOptions {
  /** Where dedupe keys, jobs, the dead letter and the ledger live. */
  store: ReceiverStore;
  /** The endpoint's signing secrets (`whsec_...`); list two while rotating. */
  secrets: readonly SigningSecret[];
  /** Allowed clock difference for `webhook-timestamp`. Default 300 s. */
  toleranceSeconds?: number;
  /** Also accept the body-only `X-BookFlow-Signature` scheme. Default false (see README). */
  acceptBookFlowSignature?: boolean;
  /** Delays between handler attempts; their count + 1 attempts precede the dead letter. */
  retry?: RetryPolicy;
  worker?: WorkerOptions;
  /** Told when an event is dead-lettered (SlackAlerter, PagerDutyAlerter or your own). */
  alerts?: readonly Alerter[];
  /** Pass one to share a registry; by default the receiver has its own. */
  metrics?: ReceiverMetrics;
  logger?: ReceiverLogger;
  /** The receiver's clock; injectable for tests of TTLs, leases and retries. */
  clock?: () => Date;
  /** Names this receiver in alerts. Default the host name. */
  source?: string;
  /**
   * The hourly volume-anomaly check (README, "Volume anomaly check"): pass options (`{}` for the
   * defaults) to run it from start(); off by default. Counting happens in every store either way.
   */
  volumeCheck?: VolumeCheckOptions | false;
}

/**
 * The receiver kit's composition root: the request path (`handle`, used by every adapter), the
 * worker that runs registered handlers, and the dead letter.
 */
export class Receiver {
  readonly store: ReceiverStore;
  readonly metrics: ReceiverMetrics;
  readonly deadLetters: DeadLetters;
  readonly worker: Worker;
  /** Present when the `volumeCheck` option enabled it; `runNow()` runs it at once. */
  readonly volumeCheck: VolumeCheck | undefined;
  readonly log: ReceiverLogger;
  readonly #handlers = new HandlerRegistry();
  readonly #options: ReceiverOptions;
  readonly #clock: () => Date;

  constructor(options: ReceiverOptions) {
    if (options.secrets.length === 0) {
      throw new TypeError('createReceiver: at least one webhook secret is required (whsec_...)');
    }
    // Decode every secret now: a typo should stop the process at start, not fail each delivery.
    for (const secret of options.secrets) if (typeof secret === 'string') secretKey(secret);
    this.#options = options;
    this.store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.log = withTraceIds(options.logger ?? silentLogger);
    this.metrics = options.metrics ?? new ReceiverMetrics();
    this.metrics.setDepthSource(() => this.store.depth());
    const common = { store: this.store, metrics: this.metrics, log: this.log, clock: this.#clock };
    const alerting = { alerts: options.alerts ?? [], source: options.source ?? hostname() };
    this.worker = new Worker(
      { ...common, ...alerting, handlers: this.#handlers, retry: options.retry ?? DEFAULT_RETRY_POLICY },
      options.worker,
    );
    this.volumeCheck = options.volumeCheck
      ? new VolumeCheck(
          { ...common, ...alerting, log: this.log.child({ component: 'volume-check' }) },
          options.volumeCheck,
        )
      : undefined;
    this.deadLetters = new DeadLetters({ ...common, wake: () => this.worker.wake() });
  }

  /**
   * Registers the handler for one event type; `event.data` is typed from the events package. With
   * `{ version }`, the handler was written for that schema version: whatever version a delivery
   * carries, `event.data` arrives in that version's shape (and `event.schemaVersion` says it).
   */
  on<T extends EventType>(type: T, handler: EventHandler<T>): this;
  on<V extends SchemaVersion, T extends EventTypeIn<V>>(
    type: T,
    options: { version: V },
    handler: VersionedEventHandler<V, T>,
  ): this;
  on(
    type: EventType,
    handlerOrOptions: EventHandler<EventType> | { version: SchemaVersion },
    versioned?: (event: never, ctx: never) => unknown,
  ): this {
    if (typeof handlerOrOptions === 'function') this.#handlers.on(type, handlerOrOptions);
    else this.#handlers.on(type, versioned as unknown as EventHandler<EventType>, handlerOrOptions.version);
    return this;
  }

  /** Registers a handler for every type without its own, including types newer than this kit. */
  onAny(handler: AnyEventHandler): this {
    this.#handlers.onAny(handler);
    return this;
  }

  /**
   * The framework-neutral request path: verify, parse, dedupe+enqueue, answer. Adapters call it
   * with the raw body; call it yourself for a framework without an adapter.
   */
  handle(request: DeliveryRequest): Promise<AckResponse> {
    return acceptDelivery(
      {
        store: this.store,
        verification: {
          secrets: this.#options.secrets,
          toleranceSeconds: this.#options.toleranceSeconds,
          acceptBookFlowSignature: this.#options.acceptBookFlowSignature,
        },
        metrics: this.metrics,
        log: this.log,
        clock: this.#clock,
        onEnqueued: () => this.worker.wake(),
      },
      request,
    );
  }

  /**
   * Starts the worker, and the volume check when enabled. A process can receive without working
   * (and the other way round); a receive-only process can run the check with `volumeCheck.start()`.
   */
  start(): Promise<void> {
    this.volumeCheck?.start();
    return this.worker.start();
  }

  /** Stops the worker gracefully, and the volume check. The store stays open: close it yourself, or call close(). */
  stop(): Promise<void> {
    this.volumeCheck?.stop();
    return this.worker.stop();
  }

  /** Stops the worker, then closes the store. */
  async close(): Promise<void> {
    await this.stop();
    await this.store.close();
  }
}

export function createReceiver(options: ReceiverOptions): Receiver {
  return new Receiver(options);
}
