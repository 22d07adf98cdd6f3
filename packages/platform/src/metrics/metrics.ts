import type { Queryable } from '@bookflow/pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerEndpointGauges } from './endpoint-gauges.ts';
import { registerStateGauge } from './state-gauge.ts';

const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400,
];

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export function statusClass(code: number | null): StatusClass {
  if (code === null) return 'none';
  return `${Math.min(5, Math.max(2, Math.floor(code / 100)))}xx` as StatusClass;
}

/** One registry per platform instance, so tests and several instances in one process do not collide. */
export function createMetrics(db: Queryable, options: { perEndpoint: boolean } = { perEndpoint: false }) {
  const registry = new Registry();
  const eventsPublished = new Counter({
    name: 'bookflow_events_published_total',
    help: 'Events accepted by POST /v1/events, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const publishDuration = new Histogram({
    name: 'bookflow_publish_duration_seconds',
    help: 'POST /v1/events from the handler starting to the event and its deliveries being committed, by outcome (created, replayed)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS.slice(0, 12),
    registers: [registry],
  });
  // Labelled by worker id (as in its log lines): only processes that run the worker role have a
  // series, so "stopped claiming" is never confused with an API process that never claims.
  const workerClaims = new Counter({
    name: 'bookflow_worker_claims_total',
    help: 'Claim queries run by a delivery worker (idle ones included), by worker id',
    labelNames: ['worker_id'] as const,
    registers: [registry],
  });
  const workerClaimed = new Counter({
    name: 'bookflow_worker_claimed_deliveries_total',
    help: 'Deliveries claimed by a delivery worker, by worker id',
    labelNames: ['worker_id'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'bookflow_delivery_attempts_total',
    help: 'Delivery attempts, by outcome (succeeded, failed) and response status class',
    labelNames: ['outcome', 'status_class'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'bookflow_deliveries_dead_lettered_total',
    help: 'Deliveries moved to the dead letter after their last retry failed',
    registers: [registry],
  });
  const firstAttemptLatency = new Histogram({
    name: 'bookflow_delivery_first_attempt_latency_seconds',
    help: 'From the event being accepted to the end of its first delivery attempt',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const endToEndLatency = new Histogram({
    name: 'bookflow_delivery_end_to_end_latency_seconds',
    help: 'From the event being accepted to its successful delivery, retries included',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'bookflow_delivery_attempt_duration_seconds',
    help: 'Duration of one HTTP attempt',
    buckets: LATENCY_BUCKETS.slice(0, 12),
    registers: [registry],
  });
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
