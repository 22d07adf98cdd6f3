import type { Queryable } from '@bookflow/pg';
import { extendLeases } from './extend-leases.ts';

/**
 * The deliveries one claimer (a delivery worker, a listen session) has claimed and not yet
 * recorded, whose leases it renews while it works on them (extend-leases.ts). Renewed every third
 * of a lease, well before they run out, so a busy database or event loop cannot let one lapse.
 */
export class HeldLeases {
  private readonly ids = new Set<string>();
  private renewer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly holder: string,
    private readonly leaseMs: number,
  ) {}

  add(id: string): void {
    this.ids.add(id);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  /** Runs `renew` every third of a lease: the holder's own step, which calls renew() and handles its errors. */
  startRenewing(renew: () => Promise<void>): void {
    this.renewer = setInterval(() => void renew(), Math.max(50, this.leaseMs / 3));
    this.renewer.unref();
  }

  stopRenewing(): void {
    if (this.renewer) clearInterval(this.renewer);
  }

  /** Extends the leases held now. */
  async renew(): Promise<void> {
    await extendLeases(this.db, { ids: [...this.ids], workerId: this.holder, leaseMs: this.leaseMs });
  }
}
