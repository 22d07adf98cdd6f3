import type { Queryable } from '@bookflow/pg';
import { Gauge, type Registry } from 'prom-client';
import { registerStateGauge } from './state-gauge.ts';

/**
 * Per-endpoint series are capped: an installation has one endpoint per customer integration,
 * often thousands, and a label per endpoint on every series would swamp Prometheus. Operators
 * look at the worst few, so only the longest-failing and the most backed-up endpoints get a series.
 */
export const PER_ENDPOINT_SERIES = 50;

/**
 * Endpoint health, read from the database at scrape time (like the queue gauges), so every
 * process reports the shared truth and a dashboard needs no per-process sum.
 */
export function registerEndpointGauges(
  registry: Registry,
  db: Queryable,
  options: { perEndpoint: boolean },
): void {
  registerStateGauge(registry, db, {
    name: 'bookflow_endpoints',
    help: 'Endpoints (not deleted) by state: healthy, failing (its latest attempts failed), disabled',
    states: ['healthy', 'failing', 'disabled'],
    sql: `select case when status = 'disabled' then 'disabled'
                      when failing_since is not null then 'failing'
                      else 'healthy' end as state,
                 count(*)::int as n
            from endpoints where deleted_at is null group by 1`,
  });
  // Endpoint and account ids on a scrape anyone on the network may read are tenant identifiers:
  // exported only when the operator turns them on (BOOKFLOW_METRICS_PER_ENDPOINT).
  if (!options.perEndpoint) return;
  new Gauge({
    name: 'bookflow_endpoint_failing_seconds',
    help: `How long every attempt to an enabled endpoint has failed (the ${PER_ENDPOINT_SERIES} longest-failing endpoints)`,
    labelNames: ['endpoint_id', 'account_id'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ endpoint_id: string; account_id: string; seconds: number }>(
        `select id as endpoint_id, account_id,
                greatest(0, extract(epoch from (now() - failing_since)))::float8 as seconds
           from endpoints
          where deleted_at is null and status = 'enabled' and failing_since is not null
          order by failing_since limit $1`,
        [PER_ENDPOINT_SERIES],
      );
      // Reset first: an endpoint that recovered must drop out, not keep its last value.
      this.reset();
      for (const r of rows) this.set({ endpoint_id: r.endpoint_id, account_id: r.account_id }, r.seconds);
    },
  });
  new Gauge({
    name: 'bookflow_endpoint_backlog',
    help: `Deliveries waiting (pending or held) per endpoint (the ${PER_ENDPOINT_SERIES} endpoints with the most)`,
    labelNames: ['endpoint_id', 'account_id'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ endpoint_id: string; account_id: string; n: number }>(
        `select endpoint_id, account_id, count(*)::int as n
           from deliveries where status in ('pending', 'held')
          group by endpoint_id, account_id order by n desc, endpoint_id limit $1`,
        [PER_ENDPOINT_SERIES],
      );
      this.reset();
      for (const r of rows) this.set({ endpoint_id: r.endpoint_id, account_id: r.account_id }, r.n);
    },
  });
}
