/**
 * What to do after a delivery attempt fails. A pure function of the attempt number, the schedule,
 * the response and the clock, so the worker can persist the decision in the same statement that
 * records the attempt, and tests can walk the whole schedule without sleeping.
 */

/** Retry-After is honoured up to one day: a receiver cannot park a delivery for longer. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1_000;

export interface FailedAttempt {
  /** The attempt that just failed, 1-based (attempt 1 is the first delivery, 2 the first retry). */
  attempt: number;
  /** Delay before each retry, ms; `schedule.length` retries are allowed. */
  schedule: readonly number[];
  statusCode: number | null;
  retryAfterSeconds: number | null;
  now: Date;
}

export type RetryDecision =
  | { action: 'retry'; nextAttemptAt: Date; delayMs: number }
  | { action: 'dead_letter' }
  /** 410 Gone: the receiver says the URL is gone for good; disable it and hold its deliveries. */
  | { action: 'disable_endpoint' };

/** Statuses whose Retry-After we honour: the receiver is telling us when it can take more. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Whether a Retry-After on this answer counts; the sender reads the header only then. */
export function honoursRetryAfter(statusCode: number | null): boolean {
  return statusCode !== null && RETRY_AFTER_STATUSES.has(statusCode);
}

export function decideAfterFailure(input: FailedAttempt): RetryDecision {
  const { attempt, schedule, statusCode, retryAfterSeconds, now } = input;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }

  // Checked before the schedule: a 410 on the last attempt still holds the delivery rather than
  // dead-lettering it, so nothing is lost when the customer restores the endpoint.
  if (statusCode === 410) return { action: 'disable_endpoint' };

  const scheduled = schedule[attempt - 1];
  if (scheduled === undefined) return { action: 'dead_letter' };

  let delayMs = scheduled;
  if (honoursRetryAfter(statusCode) && retryAfterSeconds !== null && !Number.isNaN(retryAfterSeconds)) {
    // The cap applies to what the receiver asks for, not to the operator's own schedule.
    const requested = Math.min(Math.max(0, retryAfterSeconds) * 1_000, MAX_RETRY_AFTER_MS);
    delayMs = Math.max(scheduled, requested);
  }
  return { action: 'retry', delayMs, nextAttemptAt: new Date(now.getTime() + delayMs) };
}
