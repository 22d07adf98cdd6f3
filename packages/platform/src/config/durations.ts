const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * "500ms", "30s", "2m", "1h", "1d". The unit is required: a bare "5" was once read as 5 ms where
 * the operator meant 5 seconds, which silently made every retry immediate.
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
