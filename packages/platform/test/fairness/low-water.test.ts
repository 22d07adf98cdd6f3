import { Wakeup } from '@bookflow/pg';
import { describe, expect, it } from 'vitest';
import { LowWater } from '../../src/delivery/worker/low-water.ts';

/** Wakes the loop would see: a pending wake makes wait(…) return at once. */
function watched() {
  const wakeup = new Wakeup();
  let wakes = 0;
  const counting = Object.assign(Object.create(wakeup) as Wakeup, {
    wake: () => {
      wakes++;
      wakeup.wake();
    },
  });
  return { low: new LowWater(counting), wakes: () => wakes };
}

describe('low-water mark of the claim loop', () => {
  it('after a claim that was not capped, every attempt that ends wakes the loop', () => {
    const { low, wakes } = watched();
    low.claimStarts();
    expect(low.claimEnded(0)).toBe(false);
    low.freed(false);
    low.freed(false);
    expect(wakes()).toBe(2);
  });

  it('after a capped claim, the loop wakes once, when the mark is reached, not before or after', () => {
    const { low, wakes } = watched();
    low.claimStarts();
    expect(low.claimEnded(3)).toBe(false);
    low.freed(false);
    low.freed(false);
    expect(wakes()).toBe(0);
    low.freed(false);
    expect(wakes()).toBe(1);
    low.freed(false);
    expect(wakes()).toBe(1);
  });

  it('slots freed during the claim count toward its mark; enough of them means claim again at once', () => {
    const { low, wakes } = watched();
    low.claimStarts();
    low.freed(false);
    low.freed(false);
    expect(wakes()).toBe(0);
    expect(low.claimEnded(2)).toBe(true);
    low.claimStarts();
    low.freed(false);
    expect(low.claimEnded(2)).toBe(false);
    low.freed(false);
    expect(wakes()).toBe(1);
  });

  it('a free during an uncapped claim wakes the wait that follows it', () => {
    const { low, wakes } = watched();
    low.claimStarts();
    low.freed(false);
    expect(wakes()).toBe(0);
    expect(low.claimEnded(0)).toBe(false);
    expect(wakes()).toBe(1);
  });

  it("a limited endpoint's delivery ending wakes the loop whatever the mark (its room is in the database)", () => {
    const { low, wakes } = watched();
    low.claimStarts();
    low.claimEnded(50);
    low.freed(true);
    expect(wakes()).toBe(1);
  });
});
