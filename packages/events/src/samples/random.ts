/**
 * A seeded random source for sample payloads.
 *
 * Why not Math.random: samples must be reproducible (the catalogue's examples, snapshot tests, a
 * "send test event" that shows the same payload twice), and Math.random cannot be seeded. Why
 * mulberry32: a 32-bit state and five lines, fast, and its output is plenty varied for fake
 * names; it is not cryptographic and must never produce ids that need to be unguessable.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that neighbouring seeds (1, 2, 3...) start far apart.
    this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Up to `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    return out;
  }

  /** An id in the style of the platform's: a prefix and lower-case base-36 characters. */
  id(prefix: string, length = 16): string {
    let body = '';
    for (let i = 0; i < length; i++) body += this.int(0, 35).toString(36);
    return `${prefix}_${body}`;
  }

  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(this.int(0, 9));
    return out;
  }
}

/** A seed for callers that did not give one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
