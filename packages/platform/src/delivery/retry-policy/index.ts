export type { FailedAttempt, RetryDecision } from './decide.ts';
export { decideAfterFailure, MAX_RETRY_AFTER_MS } from './decide.ts';
export { DEFAULT_SCHEDULE_MS, parseSchedule } from './schedule.ts';
