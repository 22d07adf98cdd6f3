import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits for a rate-limited delivery's send slot, then keeps this worker's sends to one endpoint at
 * least 1/rate apart. The slots from the claim are already spaced, but a timer that fires late
 * (a busy event loop, a GC pause) would otherwise send a late slot together with the next one,
 * and the endpoint would see a burst. Across processes the slots alone keep the spacing.
 */
export class SendPacer {
  private readonly lastSent = new Map<string, number>();

  async waitTurn(endpointId: string, rateLimit: number, slotDelayMs: number): Promise<void> {
    if (slotDelayMs > 0) await sleep(slotDelayMs);
    if (rateLimit <= 0) return;
    const gapMs = 1_000 / rateLimit;
    for (;;) {
      const wait = (this.lastSent.get(endpointId) ?? Number.NEGATIVE_INFINITY) + gapMs - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    const now = Date.now();
    this.lastSent.set(endpointId, now);
    if (this.lastSent.size > 1_000) this.forgetBefore(now - 60_000);
  }

  private forgetBefore(time: number): void {
    for (const [id, at] of this.lastSent) if (at < time) this.lastSent.delete(id);
  }
}
