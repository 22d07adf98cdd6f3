import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFunnel } from '../../src/analytics/run-funnel.ts';
import { rawEventFromEnvelope } from '../../src/warehouse/raw-event.ts';
import { deliveredOutOfOrder, funnelTraffic } from '../support/traffic.ts';
import { openTestWarehouse, POSTGRES_URL, type TestWarehouse } from '../support/warehouses.ts';

const LEADS = 4_000;

describe.runIf(POSTGRES_URL)('DuckDB and PostgreSQL on simulated traffic', () => {
  let duck: TestWarehouse;
  let postgres: TestWarehouse;
  beforeAll(async () => {
    duck = await openTestWarehouse('duckdb');
    postgres = await openTestWarehouse('postgres');
    // Duplicates, reordering and late events, loaded in batches as a receiver would flush them.
    const rows = deliveredOutOfOrder(funnelTraffic({ leads: LEADS, seed: 7 }), 11).map((e, i) => {
      const check = rawEventFromEnvelope(e, new Date(Date.UTC(2026, 2, 20, 0, 0, i)));
      if (!check.ok) throw new Error(check.problem);
      return check.event;
    });
    for (let i = 0; i < rows.length; i += 1_000) {
      await duck.warehouse.insertRaw(rows.slice(i, i + 1_000));
      await postgres.warehouse.insertRaw(rows.slice(i, i + 1_000));
    }
  });
  afterAll(async () => {
    await duck?.close();
    await postgres?.close();
  });

  it.each([[['source', 'campaign']], [['source', 'campaign', 'day']], [['day']], [[]]] as const)(
    'give identical funnels grouped by %j',
    async (by) => {
      const a = await runFunnel(duck.warehouse, { by });
      const b = await runFunnel(postgres.warehouse, { by });
      expect(a.failedTests).toEqual([]);
      expect(b.failedTests).toEqual([]);
      expect(a.rows).toEqual(b.rows);
      const dials = a.rows.reduce((n, r) => n + r.dials, 0);
      // 85 % of the leads are dialled outbound; the traffic is seeded, so this is exact.
      expect(dials).toBeGreaterThan(LEADS * 0.8);
      expect(dials).toBeLessThan(LEADS * 0.9);
      expect(a.rows.some((r) => r.held > 0 && r.no_show > 0 && r.meetings_canceled > 0)).toBe(true);
    },
  );
});
