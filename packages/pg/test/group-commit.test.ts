import { describe, expect, it } from 'vitest';
import { GroupCommit, type Pending } from '../src/group-commit.ts';

/** A writer whose batches end only when the test says so, recording what each batch held. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (batch: Pending<number, number>[]) => {
    batches.push(batch.map((p) => p.item));
    await new Promise<void>((open) => gates.push(open));
    for (const p of batch) p.resolve(p.item * 10);
  };
  /** Lets the oldest waiting batch finish, then lets the loop start the next one. */
  const release = async () => {
    gates.shift()?.();
    await new Promise<void>((r) => setImmediate(r));
  };
  return { batches, write, release };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and what arrives meanwhile together in the next batch', async () => {
    const w = gatedWriter();
    const commit = new GroupCommit({ maxBatch: 100, write: w.write });
    const first = commit.submit(1);
    expect(w.batches).toEqual([[1]]);
    const later = [commit.submit(2), commit.submit(3), commit.submit(4)];
    await w.release();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    await w.release();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('splits what waits into batches of at most maxBatch', async () => {
    const w = gatedWriter();
    const commit = new GroupCommit({ maxBatch: 2, write: w.write });
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    for (let i = 0; i < 5; i++) await w.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('with gatherOneTurn, items submitted in the same turn share the first batch', async () => {
    const w = gatedWriter();
    const commit = new GroupCommit({ maxBatch: 100, gatherOneTurn: true, write: w.write });
    const all = [1, 2, 3].map((n) => commit.submit(n));
    await new Promise<void>((r) => setImmediate(r));
    await w.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30]);
    expect(w.batches).toEqual([[1, 2, 3]]);
  });

  it('rejects the items of a batch whose writer throws, and keeps writing later ones', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>({
      maxBatch: 100,
      write: async (batch) => {
        calls += 1;
        if (calls === 1) throw new Error('database gone');
        for (const p of batch) p.resolve(p.item);
      },
    });
    await expect(commit.submit(1)).rejects.toThrow('database gone');
    expect(await commit.submit(2)).toBe(2);
    expect(calls).toBe(2);
  });
});
