/**
 * What one worker already holds, so a claim can share its free slots fairly: attempts in flight per
 * account (the whole attempt, recording included) and per endpoint (until its request has ended),
 * and the caps beyond which an account or an endpoint gets nothing more this round. Built by the
 * worker (worker/fair-shares.ts); the claim statements only read it.
 */
export interface ClaimShares {
  accountHeld: ReadonlyMap<string, number>;
  endpointHeld: ReadonlyMap<string, number>;
  /** Most attempts one account may have in flight in this worker right now. */
  accountCap: number;
  /** Most requests one endpoint may have open from this worker (no more than its origin's sockets). */
  endpointCap: number;
}

/** No worker context (a claim from a test or a tool): nothing held, no caps beyond the claim's size. */
export function unheldShares(limit: number): ClaimShares {
  return { accountHeld: new Map(), endpointHeld: new Map(), accountCap: limit, endpointCap: limit };
}

/** The endpoints and accounts at their cap: the claims skip them this round. */
export function saturated(shares: ClaimShares): { endpoints: string[]; accounts: string[] } {
  const over = (held: ReadonlyMap<string, number>, cap: number) =>
    [...held].filter(([, n]) => n >= cap).map(([id]) => id);
  return {
    endpoints: over(shares.endpointHeld, shares.endpointCap),
    accounts: over(shares.accountHeld, shares.accountCap),
  };
}

/** A map as two parallel arrays, the shape `unnest($a::text[], $b::int[])` takes. */
export function asArrays(held: ReadonlyMap<string, number>): [string[], number[]] {
  return [[...held.keys()], [...held.values()]];
}

/**
 * Whether caps held back part of a claim made with `shares`: an endpoint or account was skipped at
 * its cap, or got exactly the room its cap left it (it may have more due). A claim that came back
 * short for any other reason found nothing more due.
 */
export function heldBackByCaps(
  shares: ClaimShares,
  claimed: readonly { accountId: string; endpointId: string }[],
): boolean {
  const skip = saturated(shares);
  if (skip.endpoints.length + skip.accounts.length > 0) return true;
  const byEndpoint = new Map<string, number>();
  const byAccount = new Map<string, number>();
  for (const c of claimed) {
    byEndpoint.set(c.endpointId, (byEndpoint.get(c.endpointId) ?? 0) + 1);
    byAccount.set(c.accountId, (byAccount.get(c.accountId) ?? 0) + 1);
  }
  const reached = (got: Map<string, number>, held: ReadonlyMap<string, number>, cap: number) =>
    [...got].some(([id, n]) => n >= cap - (held.get(id) ?? 0));
  return (
    reached(byEndpoint, shares.endpointHeld, shares.endpointCap) ||
    reached(byAccount, shares.accountHeld, shares.accountCap)
  );
}
