/**
 * Whether an endpoint is healthy, failing, or has failed long enough to be disabled. A pure
 * function of the attempt just recorded, the start of the endpoint's current failure run and the
 * clock (the database's, read in the transaction that records the attempt), so tests can walk the
 * whole lifecycle without waiting days.
 */

export interface EndpointHealthInput {
  /** Outcome of the attempt being recorded. */
  succeeded: boolean;
  /** Start of the endpoint's current run of failed attempts; null when its last attempt succeeded. */
  failingSince: Date | null;
  /** A disabled endpoint is never disabled again (a second notice would be noise). */
  enabled: boolean;
  now: Date;
  /** How long every attempt must have failed before the endpoint is disabled; 0 turns this off. */
  disableAfterMs: number;
}

export type EndpointHealthDecision =
  /** A success: the failure run, if any, is over. */
  | { action: 'recovered' }
  /** The first failure after a success (or ever): the run starts now. */
  | { action: 'start_failing' }
  /** Failing, but not for long enough yet (or auto-disable is off, or it is already disabled). */
  | { action: 'keep_failing'; failingForMs: number }
  /** Every attempt has failed for at least `disableAfterMs`: disable it and hold its deliveries. */
  | { action: 'disable'; failingForMs: number };

export function decideEndpointHealth(input: EndpointHealthInput): EndpointHealthDecision {
  const { succeeded, failingSince, enabled, now, disableAfterMs } = input;
  if (!Number.isFinite(disableAfterMs) || disableAfterMs < 0) {
    throw new RangeError(`disableAfterMs must be a non-negative number, got ${disableAfterMs}`);
  }
  if (succeeded) return { action: 'recovered' };
  if (failingSince === null) return { action: 'start_failing' };
  // A clock step backwards must not count as time spent failing.
  const failingForMs = Math.max(0, now.getTime() - failingSince.getTime());
  if (enabled && disableAfterMs > 0 && failingForMs >= disableAfterMs) {
    return { action: 'disable', failingForMs };
  }
  return { action: 'keep_failing', failingForMs };
}

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "5 days", "1.5 hours", "200 ms": for the notice that tells the account why the endpoint was disabled. */
export function describeDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size) {
      const n = Math.floor((ms / size) * 10) / 10;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(ms)} ms`;
}
