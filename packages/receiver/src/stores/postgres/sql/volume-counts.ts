import type { Queryable } from '@bookflow/pg';
import type { HourlyCount } from '../../store.ts';

/** The shards of each hour's count summed; the primary key (hour first) serves the lookup. */
const SQL = `
SELECT hour, event_type, sum(count)::bigint AS count
FROM bookflow_receiver_volume
WHERE hour = ANY($1::timestamptz[])
GROUP BY hour, event_type`;

export async function volumeCounts(db: Queryable, hours: readonly Date[]): Promise<HourlyCount[]> {
  const { rows } = await db.query<{ hour: Date | string; event_type: string; count: string | number }>(SQL, [
    hours.map((h) => h.toISOString()),
  ]);
  return rows.map((r) => ({ hour: new Date(r.hour), eventType: r.event_type, count: Number(r.count) }));
}
