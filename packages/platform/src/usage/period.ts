/** The shares of the plan's minutes at which usage.threshold is sent, lowest first. */
export const USAGE_THRESHOLDS = [75, 90, 100] as const;

/** A billing period, [start, end). */
export interface Period {
  start: Date;
  end: Date;
}

export type UsageThreshold = (typeof USAGE_THRESHOLDS)[number];

/**
 * `months` calendar months after `date`, at the same time of day; a day the target month lacks is
 * clamped to its last day (Jan 31 + 1 month = Feb 28/29), as billing calendars do.
 */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = date.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/**
 * The period that contains `now`: the stored one while it lasts; once its end has passed, the next
 * periods start where the previous one ended and last one calendar month each, counted from the
 * stored end (so clamping one short month does not shift every later period).
 */
export function periodAt(stored: Period, now: Date): Period {
  if (now < stored.end) return stored;
  let months = 0;
  let start = stored.end;
  let end = addMonths(stored.end, 1);
  while (now >= end) {
    months += 1;
    start = end;
    end = addMonths(stored.end, months + 1);
  }
  return { start, end };
}

/** Billable minutes of one call: its duration rounded up to a whole minute (61 s bill 2 minutes, 0 s none). */
export function billableMinutes(durationSeconds: number): number {
  return Number.isFinite(durationSeconds) && durationSeconds > 0 ? Math.ceil(durationSeconds / 60) : 0;
}

/** The thresholds `minutesUsed` has reached, lowest first; none when the plan includes no minutes. */
export function thresholdsReached(minutesUsed: number, minutesIncluded: number): UsageThreshold[] {
  if (minutesIncluded <= 0) return [];
  // Integer arithmetic: 75 % of 1,001 minutes is reached at 751 (750.75 rounded up), never at 750.
  return USAGE_THRESHOLDS.filter((percent) => minutesUsed * 100 >= percent * minutesIncluded);
}
