import type { HourlyCount } from '../stores/store.ts';
import type { TypeVolume } from './judge.ts';

/**
 * Turns the counts read for one check into each type's volume. `hours[0]` is the hour judged and
 * `hours[i]` the same hour i weeks earlier. A previous week in which the receiver counted nothing
 * at all (no type) has no data (it was not running yet); one in which it counted other types but
 * not this one is a real zero. `alsoTypes` are judged even without a count anywhere (a type whose
 * alert is open, whose whole history may have expired).
 */
export function volumesByType(
  counts: readonly HourlyCount[],
  hours: readonly Date[],
  alsoTypes: Iterable<string> = [],
): Map<string, TypeVolume> {
  const index = new Map(hours.map((h, i) => [h.getTime(), i]));
  const byType = new Map<string, number[]>();
  const weekHasData = hours.map(() => false);
  for (const { hour, eventType, count } of counts) {
    const i = index.get(hour.getTime());
    if (i === undefined) continue;
    weekHasData[i] = true;
    const row = byType.get(eventType) ?? hours.map(() => 0);
    byType.set(eventType, row);
    row[i] = (row[i] ?? 0) + count;
  }
  for (const type of alsoTypes)
    if (!byType.has(type))
      byType.set(
        type,
        hours.map(() => 0),
      );
  const volumes = new Map<string, TypeVolume>();
  for (const [type, row] of byType) {
    volumes.set(type, {
      count: row[0] ?? 0,
      history: row.slice(1).map((c, w) => (weekHasData[w + 1] ? c : undefined)),
    });
  }
  return volumes;
}
