import type { Wakeup } from '@bookflow/pg';

/**
 * When the claim loop claims again after a claim that stopped at a fair-share cap.
 *
 * An endpoint at its cap gets a slot back each time one of its requests ends. Waking the loop on
 * every such end makes a lone busy endpoint be claimed one or two rows at a time, each claim a
 * full statement, where a backlog without caps is claimed a batch at a time; that alone cost a
 * single busy account a fifth of its throughput. So after a capped claim the loop sleeps until a
 * low-water mark of slots has freed (counted from the moment the claim read its shares, so what
 * ends during the claim's round trip counts), and claims them together.
 *
 * What may bring other work still wakes it at once: a NOTIFY (publish, replay, limits, enable),
 * the end of a limited endpoint's delivery (its room is counted in the database, not in the
 * shares), and the polling interval. Another account's fresh delivery arrives with a NOTIFY, so
 * it is claimed in the next round as before. After a claim that was not capped every freed slot
 * wakes the loop, as it always did.
 */
export class LowWater {
  #claiming = false;
  /** Slots freed since the last claim read its shares. */
  #freed = 0;
  /** Slots to free before claiming again; 0 when the last claim was not capped (any free wakes). */
  #mark = 0;

  constructor(private readonly wakeup: Wakeup) {}

  /** A claim is about to read the shares. */
  claimStarts(): void {
    this.#claiming = true;
    this.#freed = 0;
    this.#mark = 0;
  }

  /**
   * The claim is over. `mark` is 0 when it was not capped, else the slots to wait for; returns
   * true when that many have already freed during the claim, so the loop claims again at once.
   */
  claimEnded(mark: number): boolean {
    this.#claiming = false;
    this.#mark = mark;
    if (mark > 0) return this.#freed >= mark;
    // Not capped: what freed during the claim wakes the next wait at once, as a free then would.
    if (this.#freed > 0) this.wakeup.wake();
    return false;
  }

  /**
   * An attempt has ended (recorded or given up): its account's and its endpoint's slots are free.
   * `limited`: it was a delivery to an endpoint with limits of its own.
   */
  freed(limited: boolean): void {
    this.#freed++;
    // Exactly at the mark, not past it: later frees would leave a stale wake that cuts the next wait short.
    if (limited || (!this.#claiming && (this.#mark === 0 || this.#freed === this.#mark))) this.wakeup.wake();
  }
}
