/** Delays before each retry, in order. `n` delays allow `n + 1` attempts before the dead letter. */
export interface RetryPolicy {
  delaysMs: readonly number[];
}

/**
 * Shorter than the platform's schedule: the event is already safe in our own store, so there is no
 * sender to keep waiting, and a handler that fails six times in two hours needs a human.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: [5_000, 30_000, 120_000, 600_000, 3_600_000],
};

/**
 * Throw this from a handler when retrying cannot help (a payload the handler will never accept):
 * the job goes to the dead letter at once instead of using up its attempts.
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
}

export type FailureDecision =
  | { action: 'retry'; runAt: Date; delayMs: number }
  | { action: 'dead_letter'; reason: 'attempts_exhausted' | 'non_retryable' };

export function maxAttempts(policy: RetryPolicy): number {
  return policy.delaysMs.length + 1;
}

/** What to do after attempt number `attempts` failed with `error`. Pure, so tested without a queue. */
export function decideAfterFailure(
  policy: RetryPolicy,
  attempts: number,
  error: unknown,
  now: Date,
): FailureDecision {
  if (error instanceof NonRetryableError) return { action: 'dead_letter', reason: 'non_retryable' };
  const delayMs = policy.delaysMs[attempts - 1];
  if (delayMs === undefined) return { action: 'dead_letter', reason: 'attempts_exhausted' };
  return { action: 'retry', delayMs, runAt: new Date(now.getTime() + delayMs) };
}
