export type {
  AttemptError,
  AttemptErrorKind,
  AttemptFailed,
  AttemptResult,
  AttemptSucceeded,
  SendRequest,
} from './attempt-result.ts';
export { classifyError } from './classify-error.ts';
export { parseRetryAfter } from './retry-after.ts';
export type { Sender, SenderLimits, SenderOptions } from './sender.ts';
export { createSender } from './sender.ts';
export { escapeBytes, storableText } from './storable-text.ts';
