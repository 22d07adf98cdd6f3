import { HOUR_MS, hourStart } from '../../time/hours.ts';
import type { HourlyCount } from '../store.ts';

/** The memory store's hourly counts: hour start (ms) -> event type -> accepted events. */
export class MemoryVolume {
  readonly #hours = new Map<number, Map<string, number>>();

  add(eventType: string, receivedAt: Date) {
    const hour = hourStart(receivedAt).getTime();
    const types = this.#hours.get(hour) ?? new Map<string, number>();
    this.#hours.set(hour, types);
    types.set(eventType, (types.get(eventType) ?? 0) + 1);
  }

  counts(hours: readonly Date[]): HourlyCount[] {
    const out: HourlyCount[] = [];
    for (const hour of new Set(hours.map((h) => hourStart(h).getTime()))) {
      for (const [eventType, count] of this.#hours.get(hour) ?? []) {
        out.push({ hour: new Date(hour), eventType, count });
      }
    }
    return out;
  }

  /** Forgets the hours that ended before `before`. */
  sweep(before: Date) {
    for (const hour of this.#hours.keys()) if (hour + HOUR_MS <= before.getTime()) this.#hours.delete(hour);
  }
}
