import type { Random } from '@bookflow/events';

/** Weighted choices, e.g. the share of leads per source: `website_form=3,webinar=1`. */
export interface Mix<T extends string | null = string> {
  items: Array<{ value: T; weight: number }>;
  total: number;
}

export function evenMix<T extends string | null>(values: readonly T[]): Mix<T> {
  return { items: values.map((value) => ({ value, weight: 1 })), total: values.length };
}

/**
 * Reads `a=3,b=1` (a weight is optional and defaults to 1: `a,b` is an even mix). `none` stands
 * for "no value" where the field may be null (a lead without a campaign). Throws an Error saying
 * what to write instead.
 */
export function parseMix(text: string, what: string): Mix<string | null> {
  const items = text.split(',').map((raw) => {
    const [name, weight, extra] = raw.split('=').map((s) => s.trim());
    if (!name || extra !== undefined) throw new Error(`${what}: "${raw}" is not name or name=weight`);
    const w = weight === undefined ? 1 : Number(weight);
    if (!Number.isFinite(w) || w <= 0)
      throw new Error(`${what}: the weight of "${name}" must be a positive number`);
    return { value: name === 'none' ? null : name, weight: w };
  });
  return { items, total: items.reduce((sum, item) => sum + item.weight, 0) };
}

export function pickFrom<T extends string | null>(rnd: Random, mix: Mix<T>): T {
  let point = rnd.next() * mix.total;
  for (const item of mix.items) {
    point -= item.weight;
    if (point < 0) return item.value;
  }
  return mix.items[mix.items.length - 1]!.value;
}
