export type { AttemptError, AttemptErrorKind, AttemptResult, SendRequest } from './attempt-result.ts';
export { classifyError } from './classify-error.ts';
export { parseRetryAfter } from './retry-after.ts';
export type { Sender, SenderOptions } from './sender.ts';
export {
  createSender,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TOTAL_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
} from './sender.ts';
export { type BodyEncoding, escapeBytes, storableText } from './storable-text.ts';
