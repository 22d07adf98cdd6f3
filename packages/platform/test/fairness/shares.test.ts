import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { heldBackByCaps, saturated } from '../../src/delivery/queue/claim-shares.ts';
import { FairShares } from '../../src/delivery/worker/fair-shares.ts';
import { OriginGate } from '../../src/delivery/worker/origin-gate.ts';

describe('fair shares of a worker', () => {
  const shares = () => new FairShares({ concurrency: 200, reservedSlots: 20, connectionsPerOrigin: 50 });

  it('one busy account may take every slot but the reserved ones; its endpoints up to twice their origin sockets', () => {
    const s = shares();
    s.take('a', 'a1');
    // 162 = 180 less a tenth, under 2 × 50: one endpoint keeps a queue as deep as its sockets at the gate.
    expect(s.snapshot()).toMatchObject({ accountCap: 180, endpointCap: 100 });
  });

  it('busy accounts split the unreserved slots equally, and caps grow back when one goes idle', () => {
    const s = shares();
    s.take('a', 'a1');
    s.take('b', 'b1');
    s.take('c', 'c1');
    expect(s.snapshot()).toMatchObject({ accountCap: 60, endpointCap: 54 });
    for (let i = 0; i < 20; i++) s.take(`x${i}`, `x${i}`);
    // 23 busy accounts: 7 slots each, of which an endpoint may hold 6 (a tenth kept for the account's others).
    expect(s.snapshot()).toMatchObject({ accountCap: 7, endpointCap: 6 });
    for (let i = 0; i < 20; i++) s.endAttempt(`x${i}`);
    expect(s.snapshot().accountCap).toBe(60);
  });

  it('an endpoint is counted until its request ends, its account until the attempt ends', () => {
    const s = new FairShares({ concurrency: 10, reservedSlots: 1, connectionsPerOrigin: 1 });
    s.take('a', 'a1');
    s.take('a', 'a1');
    expect(saturated(s.snapshot())).toEqual({ endpoints: ['a1'], accounts: [] });
    s.endRequest('a1');
    expect(saturated(s.snapshot())).toEqual({ endpoints: [], accounts: [] });
    expect(s.snapshot().accountHeld.get('a')).toBe(2);
    s.endAttempt('a');
    s.endAttempt('a');
    expect(s.snapshot().accountHeld.size).toBe(0);
  });
});

describe('origin gate', () => {
  it('lets `perOrigin` requests through per origin, the next in order as each ends', async () => {
    const gate = new OriginGate(2);
    const order: number[] = [];
    const entered = [1, 2, 3, 4].map((n) => gate.acquire('http://x').then(() => order.push(n)));
    await gate.acquire('http://other');
    await Promise.resolve();
    expect(order).toEqual([1, 2]);
    gate.release('http://x');
    await entered[2];
    expect(order).toEqual([1, 2, 3]);
    gate.release('http://x');
    await entered[3];
    expect(order).toEqual([1, 2, 3, 4]);
  });
});

describe('fair-share settings', () => {
  it('default to a tenth of the concurrency reserved and 50 sockets per origin', () => {
    expect(loadConfig({ BOOKFLOW_WORKER_CONCURRENCY: '40' })).toMatchObject({
      workerReservedSlots: 4,
      connectionsPerOrigin: 50,
    });
  });

  it('refuse a reserve that leaves no slot to share', () => {
    expect(() =>
      loadConfig({ BOOKFLOW_WORKER_CONCURRENCY: '10', BOOKFLOW_WORKER_RESERVED_SLOTS: '10' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ BOOKFLOW_CONNECTIONS_PER_ORIGIN: '0' })).toThrow(ConfigError);
  });
});

describe('held back by caps', () => {
  const shares = (endpointHeld: [string, number][], accountHeld: [string, number][]) => ({
    endpointHeld: new Map(endpointHeld),
    accountHeld: new Map(accountHeld),
    endpointCap: 4,
    accountCap: 6,
  });
  const jobs = (n: number, accountId: string, endpointId: string) =>
    Array.from({ length: n }, () => ({ accountId, endpointId }));

  it('an endpoint that got exactly the room its cap left was held back; one that got less was not', () => {
    expect(heldBackByCaps(shares([['e1', 1]], [['a', 1]]), jobs(3, 'a', 'e1'))).toBe(true);
    expect(heldBackByCaps(shares([['e1', 1]], [['a', 1]]), jobs(2, 'a', 'e1'))).toBe(false);
  });

  it('an account that reached its cap across its endpoints was held back', () => {
    const claimed = [...jobs(2, 'a', 'e1'), ...jobs(2, 'a', 'e2')];
    expect(heldBackByCaps(shares([], [['a', 2]]), claimed)).toBe(true);
    expect(heldBackByCaps(shares([], [['a', 1]]), claimed)).toBe(false);
  });

  it('an endpoint skipped at its cap counts as held back, though the claim got nothing', () => {
    expect(heldBackByCaps(shares([['e1', 4]], [['a', 4]]), [])).toBe(true);
    expect(heldBackByCaps(shares([], []), [])).toBe(false);
  });
});
