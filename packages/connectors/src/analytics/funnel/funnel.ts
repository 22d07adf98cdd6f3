import type { WarehouseSession } from '../../warehouse/warehouse.ts';

export const GROUP_COLUMNS = ['source', 'campaign', 'day'] as const;
export type GroupColumn = (typeof GROUP_COLUMNS)[number];

export interface FunnelQuery {
  by: readonly GroupColumn[];
  /** Inclusive UTC dates (YYYY-MM-DD) of the dial. */
  from?: string;
  to?: string;
}

/** One group's funnel. Counts and money are numbers, rates unrounded, unknowns null. */
export interface FunnelRow {
  source?: string | null;
  campaign?: string | null;
  day?: string | null;
  dials: number;
  connects: number;
  connect_rate: number | null;
  meetings_booked: number;
  book_rate: number | null;
  meetings_canceled: number;
  held: number;
  no_show: number;
  show_rate: number | null;
  disqualified: number;
  spend_usd: number | null;
  cost_per_meeting: number | null;
}

export const FUNNEL_FIELDS = [
  'dials',
  'connects',
  'connect_rate',
  'meetings_booked',
  'book_rate',
  'meetings_canceled',
  'held',
  'no_show',
  'show_rate',
  'disqualified',
  'spend_usd',
  'cost_per_meeting',
] as const;

const COUNTS = [
  'dials',
  'connects',
  'meetings_booked',
  'meetings_canceled',
  'held',
  'no_show',
  'disqualified',
] as const;

/** A rate whose denominator is 0 is null. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function whereClause(query: FunnelQuery): { sql: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  if (query.from) {
    params.push(query.from);
    conditions.push(`day >= CAST($${params.length} AS date)`);
  }
  if (query.to) {
    params.push(query.to);
    conditions.push(`day <= CAST($${params.length} AS date)`);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

// Group columns come from GROUP_COLUMNS only, never from the caller's text, so they can be
// written into the statement; the dates are parameters.
function selectDims(by: readonly GroupColumn[], table = ''): string {
  return by
    .map((c) => (c === 'day' ? `CAST(${table}day AS varchar) AS day` : `${table}${c} AS ${c}`))
    .join(', ');
}

const keyOf = (row: Record<string, unknown>, by: readonly GroupColumn[]) =>
  JSON.stringify(by.map((c) => row[c] ?? null));

function compareKeys(a: FunnelRow, b: FunnelRow, by: readonly GroupColumn[]): number {
  for (const column of by) {
    const x = a[column] ?? null;
    const y = b[column] ?? null;
    if (x === y) continue;
    if (x === null) return 1; // unknown groups last
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The funnel grouped as asked, summed from the funnel_daily model (counts add up; rates are
 * computed after summing). Spend comes from the campaigns seed: a group's spend is the sum of
 * the spend of the campaigns it contains, and is null when grouped by day (a campaign's spend has
 * no date) or when none of its campaigns has a known spend.
 */
export async function queryFunnel(
  db: Pick<WarehouseSession, 'query'>,
  query: FunnelQuery,
): Promise<FunnelRow[]> {
  const by = GROUP_COLUMNS.filter((c) => query.by.includes(c));
  const where = whereClause(query);
  const groupBy = by.length > 0 ? `GROUP BY ${by.join(', ')}` : '';
  const groupByG = by.length > 0 ? `GROUP BY ${by.map((c) => `g.${c}`).join(', ')}` : '';
  const dims = by.length > 0 ? `${selectDims(by)}, ` : '';
  const counts = await db.query<Record<string, unknown>>(
    `SELECT ${dims}${COUNTS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM funnel_daily ${where.sql} ${groupBy}`,
    where.params,
  );
  const spendByKey = new Map<string, number>();
  if (!by.includes('day')) {
    const distinct = [...new Set([...by, 'campaign'])].join(', ');
    const spend = await db.query<Record<string, unknown>>(
      `SELECT ${by.length > 0 ? `${selectDims(by, 'g.')}, ` : ''}sum(c.spend_usd) AS spend_usd
       FROM (SELECT DISTINCT ${distinct} FROM funnel_daily ${where.sql}) AS g
       JOIN campaigns AS c ON c.campaign = g.campaign
       ${groupByG}`,
      where.params,
    );
    for (const row of spend)
      if (row.spend_usd !== null) spendByKey.set(keyOf(row, by), Number(row.spend_usd));
  }
  const rows = counts
    .filter((row) => row.dials !== null && Number(row.dials) > 0)
    .map((row): FunnelRow => {
      const n = Object.fromEntries(COUNTS.map((c) => [c, Number(row[c] ?? 0)])) as Record<
        (typeof COUNTS)[number],
        number
      >;
      const spend = spendByKey.get(keyOf(row, by)) ?? null;
      const dimensions = Object.fromEntries(by.map((c) => [c, (row[c] as string | null) ?? null]));
      return {
        ...dimensions,
        dials: n.dials,
        connects: n.connects,
        connect_rate: rate(n.connects, n.dials),
        meetings_booked: n.meetings_booked,
        book_rate: rate(n.meetings_booked, n.connects),
        meetings_canceled: n.meetings_canceled,
        held: n.held,
        no_show: n.no_show,
        show_rate: rate(n.held, n.held + n.no_show),
        disqualified: n.disqualified,
        spend_usd: spend,
        cost_per_meeting: spend === null ? null : rate(spend, n.meetings_booked),
      };
    });
  return rows.sort((a, b) => compareKeys(a, b, by));
}
