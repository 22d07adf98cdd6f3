import type { Queryable } from '@bookflow/pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerEndpointGauges } from './endpoint-gauges.ts';
import { registerStateGauge } from './state-gauge.ts';

const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400,
];

/** Up to 30 s: for what is over in one request (a publish, one HTTP attempt). */
const SHORT_LATENCY_BUCKETS = LATENCY_BUCKETS.slice(0, 12);

/** The help text of each counter and histogram, as /metrics shows it (the gauges state theirs). */
const HELP = {
  bookflow_events_published_total: 'Events accepted by POST /v1/events, by type',
  bookflow_publish_duration_seconds:
    'POST /v1/events from the handler starting to the event and its deliveries being committed, by outcome (created, replayed)',
  bookflow_worker_claims_total: 'Claim queries run by a delivery worker (idle ones included), by worker id',
  bookflow_worker_claimed_deliveries_total: 'Deliveries claimed by a delivery worker, by worker id',
  bookflow_delivery_attempts_total:
    'Delivery attempts, by outcome (succeeded, failed) and response status class',
  bookflow_deliveries_dead_lettered_total:
    'Deliveries moved to the dead letter after their last retry failed',
  bookflow_delivery_first_attempt_latency_seconds:
    'From the event being accepted to the end of its first delivery attempt',
  bookflow_delivery_end_to_end_latency_seconds:
    'From the event being accepted to its successful delivery, retries included',
  bookflow_delivery_attempt_duration_seconds: 'Duration of one HTTP attempt',
} as const;
type CountedMetric = keyof typeof HELP;

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export function statusClass(code: number | null): StatusClass {
  if (code === null) return 'none';
  return `${Math.min(5, Math.max(2, Math.floor(code / 100)))}xx` as StatusClass;
}

/** One registry per platform instance, so tests and several instances in one process do not collide. */
export function createMetrics(db: Queryable, options: { perEndpoint: boolean } = { perEndpoint: false }) {
  const registry = new Registry();
  // Bound to this registry, and typed by the catalogue above, so a declaration names only what
  // sets its metric apart: its kind, name, labels and buckets.
  const counter = <L extends string = never>(name: CountedMetric, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help: HELP[name], labelNames, registers: [registry] });
  const histogram = <L extends string = never>(
    name: CountedMetric,
    buckets: number[],
    labelNames: readonly L[] = [],
  ) => new Histogram<L>({ name, help: HELP[name], labelNames, buckets, registers: [registry] });

  const eventsPublished = counter('bookflow_events_published_total', ['type']);
  const publishDuration = histogram('bookflow_publish_duration_seconds', SHORT_LATENCY_BUCKETS, ['outcome']);
  // Labelled by worker id (as in its log lines): only processes that run the worker role have a
  // series, so "stopped claiming" is never confused with an API process that never claims.
  const workerClaims = counter('bookflow_worker_claims_total', ['worker_id']);
  const workerClaimed = counter('bookflow_worker_claimed_deliveries_total', ['worker_id']);
  const attempts = counter('bookflow_delivery_attempts_total', ['outcome', 'status_class']);
  const deadLettered = counter('bookflow_deliveries_dead_lettered_total');
  const firstAttemptLatency = histogram('bookflow_delivery_first_attempt_latency_seconds', LATENCY_BUCKETS);
  const endToEndLatency = histogram('bookflow_delivery_end_to_end_latency_seconds', LATENCY_BUCKETS);
  const attemptDuration = histogram('bookflow_delivery_attempt_duration_seconds', SHORT_LATENCY_BUCKETS);
  // Queue gauges are read from the database at scrape time, so every process reports the shared truth.
  registerStateGauge(registry, db, {
    name: 'bookflow_queue_depth',
    help: 'Deliveries by state (pending, delivering, held)',
    states: ['pending', 'delivering', 'held'],
    // Two counts, so each reads a partial index (pending and held: deliveries_account_waiting;
    // delivering: deliveries_leased) instead of the whole table, where succeeded rows are most.
    sql: `select status as state, count(*)::int as n
            from deliveries where status in ('pending', 'held') group by status
          union all
          select 'delivering', count(*)::int from deliveries where status = 'delivering'`,
  });
  new Gauge({
    name: 'bookflow_queue_oldest_due_age_seconds',
    help: 'How long the longest-waiting due delivery has been due (0 when none is late)',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ age: number | null }>(
        `select extract(epoch from (now() - min(next_attempt_at)))::float8 as age
           from deliveries where status = 'pending' and next_attempt_at <= now()`,
      );
      this.set(Math.max(0, rows[0]?.age ?? 0));
    },
  });
  new Gauge({
    name: 'bookflow_dead_letter_depth',
    help: 'Deliveries currently in the dead letter',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from deliveries where status = 'dead'`,
      );
      this.set(rows[0]?.n ?? 0);
    },
  });
  registerEndpointGauges(registry, db, options);
  return {
    registry,
    eventsPublished,
    publishDuration,
    workerClaims,
    workerClaimed,
    attempts,
    deadLettered,
    firstAttemptLatency,
    endToEndLatency,
    attemptDuration,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
