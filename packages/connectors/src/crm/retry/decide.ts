/** How a CRM call that failed is retried inside one handler run, before the receiver's own schedule. */
export interface CrmRetryPolicy {
  /** Retries of one call (429 and 5xx alike) before the handler fails and the receiver retries later. */
  maxRetries: number;
  /** First backoff after a 5xx or a network error; doubled each time. */
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited for here: the event is retried later instead. */
  maxWaitMs: number;
}

export const DEFAULT_CRM_RETRY: CrmRetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxWaitMs: 30_000 };

/** What a failed call looked like: the HTTP status (none for a network error) and its answer. */
export interface CallFailure {
  status: number | null;
  retryAfterSeconds: number | null;
  message: string;
}

export type CallDecision =
  | { action: 'retry'; delayMs: number }
  /** Worth trying again later (the receiver's schedule): the CRM was busy or down. */
  | { action: 'give_up'; retryable: true; message: string }
  /** Will never succeed as sent: dead letter now, with the CRM's words. */
  | { action: 'give_up'; retryable: false; message: string };

/** Used when a 429 carries no Retry-After: HubSpot's and Salesforce's limits roll over 10 s. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;

/**
 * After the `retry`-th retry failed (0 for the first call): 429 waits what Retry-After says (up
 * to maxWaitMs), 5xx and network errors back off exponentially, any other 4xx is final.
 */
export function decideAfterCallFailure(
  policy: CrmRetryPolicy,
  retry: number,
  failure: CallFailure,
): CallDecision {
  const { status } = failure;
  if (status !== null && status >= 400 && status < 500 && status !== 429 && status !== 408) {
    return { action: 'give_up', retryable: false, message: failure.message };
  }
  if (retry >= policy.maxRetries) return { action: 'give_up', retryable: true, message: failure.message };
  if (status === 429) {
    const waitMs =
      failure.retryAfterSeconds === null ? DEFAULT_RATE_LIMIT_WAIT_MS : failure.retryAfterSeconds * 1000;
    if (waitMs > policy.maxWaitMs) return { action: 'give_up', retryable: true, message: failure.message };
    return { action: 'retry', delayMs: waitMs };
  }
  return { action: 'retry', delayMs: policy.baseDelayMs * 2 ** retry };
}

/** Retry-After as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now: Date = new Date()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
