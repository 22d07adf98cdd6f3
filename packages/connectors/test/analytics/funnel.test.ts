import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/analytics/dbt/project.ts';
import { DEFAULT_PROJECT_DIR } from '../../src/analytics/open-warehouse.ts';
import { runFunnel } from '../../src/analytics/run-funnel.ts';
import { rawEventFromEnvelope } from '../../src/warehouse/raw-event.ts';
import { openTestWarehouse, type TestWarehouse, WAREHOUSES } from '../support/warehouses.ts';
import { smallFixture } from './small-fixture.ts';

async function loadFixture(target: TestWarehouse): Promise<void> {
  const rows = smallFixture().map((e) => {
    const check = rawEventFromEnvelope(e, new Date('2026-03-05T00:00:00Z'));
    if (!check.ok) throw new Error(check.problem);
    return check.event;
  });
  // In two batches, the second repeating ids of the first: what a redelivery does.
  await target.warehouse.insertRaw(rows.slice(0, 20));
  await target.warehouse.insertRaw(rows.slice(10));
}

describe.each(WAREHOUSES)('the funnel on a hand-checked fixture (%s)', (kind) => {
  let target: TestWarehouse;
  beforeEach(async () => {
    target = await openTestWarehouse(kind);
    await loadFixture(target);
  });
  afterEach(() => target.close());

  it('counts each event once in the raw table, whatever was delivered twice', async () => {
    const [row] = await target.warehouse.query<{ n: number }>(
      'SELECT CAST(count(*) AS integer) AS n FROM bookflow_raw_events',
    );
    expect(Number(row!.n)).toBe(27);
  });

  it('gives the figures worked out by hand, by source and campaign', async () => {
    const { rows, failedTests } = await runFunnel(target.warehouse, { by: ['source', 'campaign'] });
    expect(failedTests).toEqual([]);
    expect(rows).toEqual([
      {
        source: 'paid_search',
        campaign: null,
        dials: 2,
        connects: 2,
        connect_rate: 1,
        meetings_booked: 1,
        book_rate: 0.5,
        meetings_canceled: 0,
        held: 0,
        no_show: 1,
        show_rate: 0,
        disqualified: 1,
        spend_usd: null,
        cost_per_meeting: null,
      },
      {
        source: 'referral',
        campaign: 'q2-outbound',
        dials: 1,
        connects: 1,
        connect_rate: 1,
        meetings_booked: 1,
        book_rate: 1,
        meetings_canceled: 0,
        held: 0,
        no_show: 0,
        show_rate: null,
        disqualified: 0,
        spend_usd: 800,
        cost_per_meeting: 800,
      },
      {
        source: 'webinar',
        campaign: 'spring-webinar',
        dials: 3,
        connects: 2,
        connect_rate: 2 / 3,
        meetings_booked: 2,
        book_rate: 1,
        meetings_canceled: 1,
        held: 1,
        no_show: 0,
        show_rate: 1,
        disqualified: 0,
        spend_usd: 1200,
        cost_per_meeting: 600,
      },
    ]);
  });

  it('buckets dials by the UTC date of started_at, and filters on it', async () => {
    const { rows } = await runFunnel(target.warehouse, { by: ['day'] });
    expect(rows.map((r) => [r.day, r.dials, r.connects, r.meetings_booked, r.spend_usd])).toEqual([
      ['2026-03-02', 3, 3, 3, null],
      ['2026-03-03', 2, 1, 0, null],
      ['2026-03-04', 1, 1, 1, null],
    ]);
    const window = await runFunnel(target.warehouse, {
      by: ['source'],
      from: '2026-03-03',
      to: '2026-03-03',
    });
    expect(window.rows.map((r) => [r.source, r.dials, r.connects, r.disqualified, r.spend_usd])).toEqual([
      ['paid_search', 1, 1, 1, null],
      ['webinar', 1, 0, 0, 1200],
    ]);
  });

  it('passes every schema test of the dbt project', async () => {
    const project = loadProject(DEFAULT_PROJECT_DIR);
    expect(project.tests.length).toBeGreaterThan(15);
    const { failedTests } = await runFunnel(target.warehouse, { by: [] });
    expect(failedTests).toEqual([]);
  });
});
