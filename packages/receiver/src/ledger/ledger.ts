/** A stored side-effect result. `value` is whatever `fn` returned, as JSON (undefined is stored as null). */
export interface LedgerEntry {
  value: unknown;
}

/**
 * Event id + step key → the result of a side effect that completed. Stores implement it next to
 * their jobs so a ledger entry lives at least as long as the job that may be retried or replayed.
 */
export interface Ledger {
  get(eventId: string, stepKey: string): Promise<LedgerEntry | undefined>;
  /** Records a result. The first write wins: a second write for the same step is ignored. */
  put(eventId: string, stepKey: string, value: unknown, now: Date): Promise<void>;
}
