/**
 * Reproducible randomness for fault tests: every test prints its seed, and FAULT_SEED=<n> replays a
 * failing run with the same choices (kill moments, which attempts fail).
 */

/** The seed from FAULT_SEED, or a fresh one. */
export function faultSeed(): number {
  const raw = process.env.FAULT_SEED;
  if (raw !== undefined && raw !== '') {
    const seed = Number(raw);
    if (!Number.isInteger(seed) || seed < 0)
      throw new Error(`FAULT_SEED must be a non-negative integer, got "${raw}"`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/** mulberry32: a small 32-bit generator, plenty for choosing test moments. Returns values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A value in [0, 1) fixed by the seed and the keys alone, whatever order the questions come in. A
 * receiver answering requests that arrive in a nondeterministic order still makes the same choice
 * for (event 17, attempt 3) on every run with the same seed.
 */
export function seededDraw(seed: number, ...keys: number[]): number {
  let state = seed >>> 0;
  for (const key of keys) {
    const mixed = (state ^ Math.imul(key >>> 0, 0x9e3779b1)) >>> 0;
    state = Math.floor(seededRandom(mixed)() * 2 ** 32) >>> 0;
  }
  return seededRandom(state)();
}
