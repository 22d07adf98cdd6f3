/** How deeply objects and arrays may nest in a delivery. BookFlow envelopes nest about 5 levels. */
export const MAX_NESTING_DEPTH = 64;

/**
 * True when `text` opens more than `limit` objects/arrays at once. Checked on the raw text before
 * JSON.parse, in one pass without recursion: a deeply nested body must be refused, not explore
 * every recursive path after it (structuredClone, JSON.stringify, a store's JSON type) until one
 * overflows the stack on each retry. Brackets inside strings do not count.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
