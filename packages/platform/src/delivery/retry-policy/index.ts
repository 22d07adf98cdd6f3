export type { FailedAttempt, RetryDecision } from './decide.ts';
export { decideAfterFailure, MAX_RETRY_AFTER_MS } from './decide.ts';
