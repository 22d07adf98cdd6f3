/** Largest delivery accepted by the adapters. BookFlow envelopes are a few kilobytes; 1 MiB leaves room. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}
