import { HOUR_MS, hourStart } from '../time/hours.ts';

/**
 * When the next check runs: `delayMs` after the start of an hour, the first such time after `now`.
 * The delay lets acknowledgements of the hour that just ended land (and clocks differ a little).
 */
export function nextCheckAt(now: Date, delayMs: number): Date {
  const thisHour = hourStart(now).getTime() + delayMs;
  return new Date(thisHour > now.getTime() ? thisHour : thisHour + HOUR_MS);
}
