import type { Queryable } from '@bookflow/pg';
import { Gauge, type Registry } from 'prom-client';

/**
 * A gauge with one series per state, counted by `sql` (rows of `state` and `n`) at scrape time, so
 * every process reports the shared truth. Every state gets a series, 0 when the query found none,
 * so a state that empties reads 0 instead of vanishing from the scrape.
 */
export function registerStateGauge(
  registry: Registry,
  db: Queryable,
  gauge: { name: string; help: string; states: readonly string[]; sql: string },
): void {
  new Gauge({
    name: gauge.name,
    help: gauge.help,
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ state: string; n: number }>(gauge.sql);
      this.reset();
      for (const state of gauge.states) {
        this.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
      }
    },
  });
}
