import {
  type HeaderSource,
  readHeader,
  type SigningSecret,
  verifyBookFlow,
  verifyStandard,
  WebhookVerificationError,
} from '@bookflow/events';

export type SignatureScheme = 'standard' | 'bookflow';

export interface VerificationOptions {
  /** Every secret currently valid for the endpoint; two during a rotation. */
  secrets: readonly SigningSecret[];
  /** Allowed difference between `webhook-timestamp` and the receiver's clock. Default 300 s. */
  toleranceSeconds?: number;
  /**
   * Also accept requests signed only with `X-BookFlow-Signature` (HMAC of the body). Off by
   * default: with no signed timestamp, a captured request verifies forever, and only the dedupe
   * window stands between it and a replay.
   */
  acceptBookFlowSignature?: boolean;
  /** The receiver's clock. */
  now?: () => Date;
}

export interface VerifiedDelivery {
  scheme: SignatureScheme;
  /** `webhook-id` when the Standard Webhooks scheme was used. */
  webhookId?: string;
}

function has(headers: HeaderSource, name: string): boolean {
  return readHeader(headers, name) !== undefined;
}

/**
 * Verifies the raw body against the delivery's signature headers. Standard Webhooks is preferred
 * whenever its headers are present, even if the body-only header is present too and would pass:
 * a request whose timestamped signature fails must not be let in by the weaker scheme.
 * Throws WebhookVerificationError with a stable `reason`.
 */
export function verifyDelivery(
  headers: HeaderSource,
  body: Uint8Array | string,
  options: VerificationOptions,
): VerifiedDelivery {
  if (options.secrets.length === 0) {
    throw new WebhookVerificationError('no_secrets', 'the receiver has no webhook secret configured');
  }
  const standardPresent = has(headers, 'webhook-signature') || has(headers, 'webhook-id');
  if (!standardPresent && options.acceptBookFlowSignature && has(headers, 'x-bookflow-signature')) {
    verifyBookFlow({ headers, body, secrets: options.secrets });
    return { scheme: 'bookflow' };
  }
  const verified = verifyStandard({
    headers,
    body,
    secrets: options.secrets,
    toleranceSeconds: options.toleranceSeconds ?? 300,
    now: options.now,
  });
  return { scheme: 'standard', webhookId: verified.id };
}
