import type { Ledger } from './ledger.ts';

export type OnceFn<T> = (idempotencyKey: string) => Promise<T> | T;

/**
 * Runs a side effect at most once per event and step, across retries, replays and workers.
 *
 * The result is stored after `fn` resolves, so the window that remains is a crash between the
 * side effect and the ledger write. `fn` receives `<event id>:<step key>` to pass on to APIs that
 * accept an idempotency key (HubSpot and Salesforce upserts by external id, Stripe's
 * Idempotency-Key), which closes that window on their side too.
 */
export function createOnce(ledger: Ledger, eventId: string, now: () => Date) {
  return async function once<T>(stepKey: string, fn: OnceFn<T>): Promise<T> {
    if (stepKey.length === 0) throw new TypeError('ctx.once needs a non-empty step key');
    const recorded = await ledger.get(eventId, stepKey);
    if (recorded) return recorded.value as T;
    const value = await fn(`${eventId}:${stepKey}`);
    // JSON round trip: what a retry reads back from the ledger must equal what this run returns.
    const stored = value === undefined ? null : JSON.parse(JSON.stringify(value));
    await ledger.put(eventId, stepKey, stored, now());
    return stored as T;
  };
}
