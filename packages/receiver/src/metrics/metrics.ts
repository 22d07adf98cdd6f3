import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../jobs/job.ts';
import { VolumeMetrics } from './volume-metrics.ts';

/**
 * Acknowledgement is meant to take milliseconds, so the buckets are fine at the low end. The top
 * ones reach past 3 s, the ack p99 alert's threshold (observability/prometheus/rules): a quantile
 * above the highest finite bucket reads as that bucket's bound, so without them it could never fire.
 */
const ACK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10];
/** Handlers call CRMs and warehouses: seconds, not milliseconds. */
const PROCESSING_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const END_TO_END_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600];

/**
 * The receiver's metrics, in a Registry of their own so they never collide with the
 * application's default registry (mount `registry` on /metrics, or merge it into yours with
 * `Registry.merge`). Queue and dead-letter depth are read from the store at scrape time.
 */
export class ReceiverMetrics {
  readonly registry: Registry;
  readonly received: Counter<'type'>;
  readonly duplicates: Counter<'type'>;
  readonly ackDuration: Histogram<'outcome'>;
  readonly verificationFailures: Counter<'reason'>;
  readonly invalidPayloads: Counter;
  readonly storeErrors: Counter<'operation'>;
  readonly handlerErrors: Counter<'type'>;
  readonly processed: Counter<'type' | 'outcome'>;
  readonly processingDuration: Histogram<'type' | 'outcome'>;
  readonly endToEnd: Histogram<'type'>;
  readonly replays: Counter;
  readonly alerts: Counter<'channel' | 'outcome'>;
  /** The volume check's gauges and counters (volume-metrics.ts). */
  readonly volume: VolumeMetrics;
  #depthSource: (() => Promise<QueueDepth>) | undefined;
  #pendingDepth: Promise<QueueDepth | undefined> | undefined;
  #receivedTotal = 0;
  #duplicatesTotal = 0;

  constructor(options: { registry?: Registry; prefix?: string } = {}) {
    const registry = options.registry ?? new Registry();
    const p = options.prefix ?? 'bookflow_receiver_';
    this.registry = registry;
    const registers = [registry];
    const counter = <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: p + name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name: p + name, help, labelNames, buckets, registers });
    this.received = counter(
      'events_received_total',
      'Verified deliveries, duplicates included, by event type.',
      ['type'],
    );
    this.duplicates = counter(
      'dedupe_hits_total',
      'Deliveries of an event id already seen within the dedupe TTL (answered 200, not enqueued).',
      ['type'],
    );
    new Gauge({
      name: `${p}dedupe_hit_ratio`,
      help: 'Dedupe hits / events received since the process started. A rising ratio means the sender is retrying.',
      registers,
      collect: () => {
        // Computed here so dashboards get a rate without writing PromQL; the counters stay the source of truth.
        const gauge = registry.getSingleMetric(`${p}dedupe_hit_ratio`) as Gauge | undefined;
        gauge?.set(this.#receivedTotal === 0 ? 0 : this.#duplicatesTotal / this.#receivedTotal);
      },
    });
    this.ackDuration = histogram(
      'ack_duration_seconds',
      'Time from the request reaching the receiver to its answer (verify, parse, dedupe+enqueue).',
      ['outcome'],
      ACK_BUCKETS,
    );
    this.verificationFailures = counter(
      'verification_failures_total',
      'Requests rejected by signature verification, by reason.',
      ['reason'],
    );
    this.invalidPayloads = counter(
      'invalid_payloads_total',
      'Verified requests whose body was not an event envelope.',
    );
    this.storeErrors = counter(
      'store_errors_total',
      'Store operations that failed (the request was answered 503 or the worker backed off).',
      ['operation'],
    );
    this.handlerErrors = counter('handler_errors_total', 'Handler runs that threw, by event type.', ['type']);
    this.processed = counter(
      'jobs_processed_total',
      'Handler runs by event type and what followed: done, retry, dead_letter, unhandled (no handler).',
      ['type', 'outcome'],
    );
    this.processingDuration = histogram(
      'processing_duration_seconds',
      'Handler run time by event type and outcome.',
      ['type', 'outcome'],
      PROCESSING_BUCKETS,
    );
    this.endToEnd = histogram(
      'end_to_end_seconds',
      'From received_at (the receiver clock at acknowledgement) to the handler succeeding.',
      ['type'],
      END_TO_END_BUCKETS,
    );
    this.replays = counter('dead_letter_replays_total', 'Dead-lettered events put back on the queue.');
    this.alerts = counter('alerts_total', 'Dead-letter alerts sent, by channel and outcome (sent, failed).', [
      'channel',
      'outcome',
    ]);
    this.volume = new VolumeMetrics(registry, p);
    const depth = new Gauge({
      name: `${p}queue_depth`,
      help: 'Jobs in the queue by state (queued includes retries waiting for their time; running holds a lease).',
      labelNames: ['state'],
      registers,
      collect: async () => {
        const d = await this.#sharedDepth();
        if (!d) return;
        depth.set({ state: 'queued' }, d.queued);
        depth.set({ state: 'running' }, d.running);
      },
    });
    const deadDepth = new Gauge({
      name: `${p}dead_letter_depth`,
      help: 'Events in the local dead letter, waiting for a fix and a replay.',
      registers,
      collect: async () => {
        const d = await this.#sharedDepth();
        if (d) deadDepth.set(d.dead);
      },
    });
  }

  /** Where the depth gauges read from; set by createReceiver. */
  setDepthSource(source: () => Promise<QueueDepth>) {
    this.#depthSource = source;
  }

  /**
   * Both depth gauges are collected in the same tick of one scrape; they share a single store
   * query rather than making two.
   */
  #sharedDepth(): Promise<QueueDepth | undefined> {
    this.#pendingDepth ??= (async () => {
      try {
        return await this.#depthSource?.();
      } catch {
        this.storeErrors.inc({ operation: 'depth' });
        return undefined;
      } finally {
        this.#pendingDepth = undefined;
      }
    })();
    return this.#pendingDepth;
  }

  recordReceived(type: string, duplicate: boolean) {
    this.received.inc({ type });
    this.#receivedTotal++;
    if (duplicate) {
      this.duplicates.inc({ type });
      this.#duplicatesTotal++;
    }
  }

  /** Prometheus text exposition and its content type, for a /metrics route. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
