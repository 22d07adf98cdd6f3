import type { ClaimShares } from '../queue/claim-shares.ts';

export interface FairShareOptions {
  /** The worker's attempt slots. */
  concurrency: number;
  /**
   * Slots no single account may take while it is the only one busy, so another account's first
   * delivery finds a free slot at once instead of waiting for one of the busy account's attempts
   * to end.
   */
  reservedSlots: number;
  /** Sockets per origin in the sender: the most requests one endpoint may have open. */
  connectionsPerOrigin: number;
}

/**
 * How this worker's slots are shared right now. An account's cap is an equal share of the
 * unreserved slots among the accounts that have attempts in flight (all of them when it is the
 * only one). An endpoint's cap is its account's cap less a tenth kept for the account's other
 * endpoints (the same reasoning one level down), and never more than twice its origin's sockets:
 * a slow endpoint holds at most its share, while a fast one keeps a queue as deep as its sockets
 * waiting at the origin gate (before their timeout starts), so the next requests are ready the
 * moment a socket frees and claims come in batches rather than one row at a time. Caps adapt as accounts come and go; an account above a cap that shrank keeps what
 * it holds and gets nothing more until it is back under.
 */
export class FairShares {
  private readonly account = new Map<string, number>();
  private readonly endpoint = new Map<string, number>();

  constructor(private readonly options: FairShareOptions) {}

  /** A claimed delivery enters the worker: it counts for its account and its endpoint. */
  take(accountId: string, endpointId: string): void {
    bump(this.account, accountId, 1);
    bump(this.endpoint, endpointId, 1);
  }

  /** Its request has ended (recording may still be under way): the endpoint's share is free again. */
  endRequest(endpointId: string): void {
    bump(this.endpoint, endpointId, -1);
  }

  /** The attempt has ended and was recorded (or given up): the account's slot is free again. */
  endAttempt(accountId: string): void {
    bump(this.account, accountId, -1);
  }

  snapshot(): ClaimShares {
    const { concurrency, reservedSlots, connectionsPerOrigin } = this.options;
    const busy = Math.max(1, this.account.size);
    const accountCap = Math.max(1, Math.floor((concurrency - reservedSlots) / busy));
    return {
      accountHeld: new Map(this.account),
      endpointHeld: new Map(this.endpoint),
      accountCap,
      endpointCap: Math.max(1, Math.min(accountCap - Math.ceil(accountCap / 10), 2 * connectionsPerOrigin)),
    };
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
