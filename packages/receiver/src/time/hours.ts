// Whole UTC hours, the unit of the hourly event counts and of the volume check that compares them.

export const HOUR_MS = 3_600_000;
export const WEEK_MS = 7 * 24 * HOUR_MS;

/** The start of the UTC hour that holds `at`. */
export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The last full hour at `now`: at 10:02 it is 09:00-10:00. */
export function lastFullHour(now: Date): Date {
  return new Date(hourStart(now).getTime() - HOUR_MS);
}

/**
 * The hours a check reads: the hour judged, then the same hour of each previous week (index i is
 * i weeks earlier). Same hour of the week, so a Sunday night is compared with Sunday nights.
 */
export function sameHourOfPreviousWeeks(hour: Date, weeks: number): Date[] {
  return Array.from({ length: weeks + 1 }, (_, i) => new Date(hour.getTime() - i * WEEK_MS));
}
