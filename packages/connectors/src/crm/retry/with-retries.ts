import { NonRetryableError } from '@bookflow/receiver';
import { type CallFailure, type CrmRetryPolicy, decideAfterCallFailure } from './decide.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Runs one CRM call with the policy of decide.ts. A final 4xx becomes a NonRetryableError (the
 * receiver dead-letters the event with the CRM's message); anything else that still fails is
 * thrown as is, and the receiver retries the event on its schedule.
 */
export async function withCrmRetries<T>(
  what: string,
  call: () => Promise<T>,
  describe: (error: unknown) => CallFailure,
  options: {
    policy: CrmRetryPolicy;
    sleep?: Sleep;
    signal?: AbortSignal;
    onRetry?: (failure: CallFailure) => void;
  },
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof NonRetryableError) throw error;
      const failure = describe(error);
      const decision = decideAfterCallFailure(options.policy, retry, failure);
      if (decision.action === 'give_up') {
        const message = `${what}: ${decision.message}`;
        throw decision.retryable ? new Error(message) : new NonRetryableError(message);
      }
      options.onRetry?.(failure);
      await (options.sleep ?? sleep)(decision.delayMs, options.signal);
    }
  }
}
