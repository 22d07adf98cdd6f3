const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Parses a Retry-After value (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Returns whole seconds from `nowMs` (a date in the past gives 0), or null when the value is
 * neither form, so a malformed header simply falls back to the retry schedule.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw);
    return Number.isSafeInteger(seconds) ? seconds : null;
  }
  // Date.parse reads almost anything ("-5", "1.5" and "soon 2" are all dates to it), so first
  // require the day-name start shared by the three HTTP-date forms (IMF-fixdate, RFC 850, asctime).
  if (!HTTP_DATE_START.test(raw)) return null;
  // asctime carries no zone and Date.parse would read it as local time; HTTP dates are all GMT.
  const at = Date.parse(raw.endsWith('GMT') ? raw : `${raw} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1_000));
}
