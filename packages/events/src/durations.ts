const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * "500ms", "30s", "2m", "1h", "1d" into milliseconds; whitespace around the item is ignored. The
 * unit is required: a bare "5" was once read as 5 ms where the operator meant 5 seconds, which
 * silently made every retry immediate. Throws an Error that says what to write instead.
 */
export function parseDuration(text: string): number {
  const item = text.trim();
  const match = DURATION.exec(item);
  if (!match) {
    const hint = /^\d+(?:\.\d+)?$/.test(item)
      ? `"${item}" has no unit; write ${item}ms, ${item}s, ${item}m, ${item}h or ${item}d`
      : `"${item}" is not a duration`;
    throw new Error(`${hint} (examples: 500ms, 30s, 2m, 1h, 1d)`);
  }
  const ms = Math.round(Number(match[1]) * UNITS[match[2]!]!);
  if (!Number.isSafeInteger(ms)) throw new Error(`"${item}" is too long a duration`);
  return ms;
}

/**
 * Milliseconds as the text parseDuration reads back, in the largest unit that divides them
 * exactly: 120000 is "2m", 90000 is "90s". For defaults kept in milliseconds and shown as text.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`${ms} is not a whole number of milliseconds`);
  const [unit, size] = Object.entries(UNITS)
    .sort(([, a], [, b]) => b - a)
    .find(([, unitMs]) => ms % unitMs === 0)!;
  return `${ms / size}${unit}`;
}

/**
 * "30s,2m,10m" into milliseconds, each item read by parseDuration. Blank text is an empty list
 * (the caller decides whether that is allowed); an empty item between commas is an error, since
 * it is more likely a typo than a wish. The error names the first bad item by its position.
 */
export function parseDurationList(text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw, index) => {
    try {
      return parseDuration(raw);
    } catch (err) {
      throw new Error(`item ${index + 1} is invalid: ${(err as Error).message}`);
    }
  });
}
