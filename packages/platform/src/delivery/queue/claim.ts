import type { Db } from '@bookflow/pg';
import { claimFairly } from './claim-fair.ts';
import { claimForLimitedEndpoints, hasLimitedEndpointsReady } from './claim-limited.ts';
import { type ClaimShares, saturated, unheldShares } from './claim-shares.ts';
import { type ClaimedDelivery, type EndpointLimitDefaults, NO_LIMITS } from './claimed-delivery.ts';

export { type ClaimShares, unheldShares } from './claim-shares.ts';
export { type ClaimedDelivery, type EndpointLimitDefaults, NO_LIMITS } from './claimed-delivery.ts';

export interface ClaimInput {
  limit: number;
  leaseMs: number;
  workerId: string;
  defaults?: EndpointLimitDefaults;
  /** How far ahead a rate-limited endpoint's send slots may be handed out (see claim-limited.ts). */
  rateHorizonMs?: number;
  /** What the claiming worker already holds, and its caps (claim-shares.ts); none when omitted. */
  shares?: ClaimShares;
}

/**
 * Leases up to `limit` due deliveries, in two steps:
 *
 * 1. Endpoints with a rate limit or a concurrency limit first (claim-limited.ts): each gets at most
 *    what its limits allow right now, exactly, across every worker process. Going first means a
 *    large backlog to unlimited endpoints cannot starve them; what they take is bounded by their
 *    own limits. When none has due work this is one probe of a small partial index.
 * 2. Every other endpoint, with whatever room is left, shared fairly between accounts and then
 *    between each account's endpoints (claim-fair.ts), rather than the oldest due rows overall:
 *    one account's backlog or slow endpoint cannot hold back another account's fresh deliveries.
 *
 * Both steps skip the endpoints and accounts that are at the worker's caps (`shares`): an endpoint
 * at its cap has as many requests open as its origin has sockets, so claiming more would only
 * queue them inside this process while their leases run.
 *
 * SKIP LOCKED lets any number of workers claim side by side without waiting on each other's rows;
 * the lease makes a crashed worker's rows come back (reap.ts). Only deliveries to enabled
 * endpoints are claimed, so one that raced an endpoint being disabled waits instead of going out.
 */
export async function claimDue(db: Db, input: ClaimInput): Promise<ClaimedDelivery[]> {
  const defaults = input.defaults ?? NO_LIMITS;
  const shares = input.shares ?? unheldShares(input.limit);
  const rateHorizonMs = input.rateHorizonMs ?? 0;
  const skip = saturated(shares);
  const limited = (await hasLimitedEndpointsReady(db, defaults, rateHorizonMs, skip))
    ? await claimForLimitedEndpoints(db, { ...input, defaults, rateHorizonMs, skip })
    : [];
  const room = input.limit - limited.length;
  if (room <= 0) return limited;
  return [...limited, ...(await claimFairly(db, { ...input, limit: room, defaults, shares }))];
}
