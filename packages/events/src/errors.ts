/** Why a webhook failed verification. Stable strings: receivers map them to HTTP answers and metrics labels. */
export type VerificationFailureReason =
  | 'missing_header'
  | 'bad_format'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'no_matching_signature'
  | 'no_secrets';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: VerificationFailureReason,
    message: string,
  ) {
    super(message);
  }

  /** 400 for a request that is malformed, 401 for one whose signature or timestamp does not hold. */
  get status(): 400 | 401 {
    return this.reason === 'missing_header' || this.reason === 'bad_format' ? 400 : 401;
  }
}
