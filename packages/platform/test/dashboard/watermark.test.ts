import { describe, expect, it } from 'vitest';
import { Watermark, type WatermarkSource } from '../../src/live-stream/watermark.ts';

/** A table whose rows become visible when "committed", in any key order, with a fake clock. */
function table() {
  const visible: Array<{ key: number }> = [];
  const source: WatermarkSource<{ key: number }> = {
    key: (r) => r.key,
    id: (r) => String(r.key),
    async read(after, upTo, limit) {
      const head = visible.reduce((m, r) => Math.max(m, r.key), 0);
      const rows = visible
        .filter((r) => r.key > after && r.key <= (upTo ?? head))
        .sort((x, y) => x.key - y.key)
        .slice(0, limit);
      return { rows, head };
    },
  };
  return { source, commit: (key: number) => visible.push({ key }) };
}

describe('stream watermark', () => {
  it('emits a row that commits after a row with a larger key, exactly once', async () => {
    let now = 0;
    const t = table();
    const w = new Watermark(t.source, 0, 1_000, 500, () => now);
    t.commit(1);
    t.commit(3); // key 2 is taken by a transaction that has not committed yet
    expect((await w.poll()).map((r) => r.key)).toEqual([1, 3]);
    now = 400;
    t.commit(2);
    expect((await w.poll()).map((r) => r.key)).toEqual([2]);
    now = 5_000;
    expect(await w.poll()).toEqual([]);
    expect(w.position).toBe(3);
  });

  it('a client resuming from the position gets what committed late and what it had not read yet', async () => {
    let now = 0;
    const t = table();
    const first = new Watermark(t.source, 0, 1_000, 2, () => now);
    for (const k of [1, 2, 4, 5, 6]) t.commit(k);
    const seen = (await first.poll()).map((r) => r.key); // the limit reads 1, 2 only
    now = 500;
    seen.push(...(await first.poll()).map((r) => r.key)); // 4, 5
    expect(seen).toEqual([1, 2, 4, 5]);
    // The client goes away; key 3 commits late (within the grace period), below what was read.
    t.commit(3);
    now = 800;
    const resumed = new Watermark(t.source, first.position, 1_000, 100, () => now);
    const again = (await resumed.poll()).map((r) => r.key);
    expect(again).toContain(3);
    expect(again).toContain(6);
    expect(new Set([...seen, ...again])).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });
});
