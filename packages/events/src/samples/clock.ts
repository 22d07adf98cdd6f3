/** Time arithmetic for samples. Whole-second offsets keep derived durations exact. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;

export function plus(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function iso(date: Date): string {
  return date.toISOString();
}

// Building an Intl.DateTimeFormat costs far more than using one; samples reuse one per zone.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC in `timeZone` at `instant` (-420 for "GMT-07:00"). */
function offsetMinutes(timeZone: string, instant: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0; // "GMT" alone: the zone is at UTC
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The calendar date and weekday (0 = Sunday) that `instant` falls on in `timeZone`. */
export function localDate(
  timeZone: string,
  instant: Date,
): { year: number; month: number; day: number; weekday: number } {
  const local = new Date(instant.getTime() + offsetMinutes(timeZone, instant.getTime()) * MINUTE);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth(),
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
  };
}

/**
 * The instant at which the wall clock in `timeZone` reads the given date and time. Meetings are
 * booked in business hours of the lead's zone, so samples need local time without a date library.
 * The offset is taken at a first guess and re-read once, which settles it except inside the hour
 * a DST change skips, and sample meetings are never booked at 2 a.m.
 */
export function wallClock(
  timeZone: string,
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
): Date {
  const asUtc = Date.UTC(date.year, date.month, date.day, hour, minute);
  const first = asUtc - offsetMinutes(timeZone, asUtc) * MINUTE;
  return new Date(asUtc - offsetMinutes(timeZone, first) * MINUTE);
}

/** The next weekday at least `daysAhead` days after `from`, in `timeZone`, at hour:minute local time. */
export function businessSlot(
  timeZone: string,
  from: Date,
  daysAhead: number,
  hour: number,
  minute: number,
): Date {
  let days = daysAhead;
  let date = localDate(timeZone, plus(from, days * DAY));
  while (date.weekday === 0 || date.weekday === 6) {
    days += 1;
    date = localDate(timeZone, plus(from, days * DAY));
  }
  return wallClock(timeZone, date, hour, minute);
}

/** Start of the UTC calendar month containing `date`, and of the month after. */
export function monthAround(date: Date): { start: Date; end: Date } {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
}
