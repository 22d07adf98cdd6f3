import { describe, expect, it } from 'vitest';
import {
  type HeaderSource,
  signBookFlow,
  signStandard,
  type VerificationFailureReason,
  verifyBookFlow,
  verifyStandard,
  WebhookVerificationError,
} from '../src/index.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const BODY = '{"id":"6a1f","type":"call.started","data":{}}';
const NOW = 1_775_842_200; // 2026-04-10T17:30:00Z, in seconds

function standardHeaders(overrides: Record<string, string | undefined> = {}, secrets = [SECRET], ts = NOW) {
  const headers: Record<string, string | undefined> = {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(ts),
    'webhook-signature': signStandard(secrets, 'msg_1', ts, BODY),
    ...overrides,
  };
  return headers;
}

function verify(
  headers: HeaderSource,
  options: { body?: string; secrets?: string[]; tolerance?: number } = {},
) {
  return verifyStandard({
    headers,
    body: options.body ?? BODY,
    secrets: options.secrets ?? [SECRET],
    toleranceSeconds: options.tolerance,
    now: () => new Date(NOW * 1000),
  });
}

/** Runs `fn` and returns the WebhookVerificationError it throws. */
function failure(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected verification to fail');
}

function expectFailure(fn: () => unknown, reason: VerificationFailureReason, status: 400 | 401) {
  const error = failure(fn);
  expect(error.reason).toBe(reason);
  expect(error.status).toBe(status);
}

describe('verifyStandard', () => {
  it('accepts a fresh, correctly signed request', () => {
    expect(verify(standardHeaders())).toEqual({ id: 'msg_1', timestamp: new Date(NOW * 1000) });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'rejects a missing %s with 400',
    (name) => {
      expectFailure(() => verify(standardHeaders({ [name]: undefined })), 'missing_header', 400);
    },
  );

  it('rejects a non-numeric timestamp with 400', () => {
    for (const ts of ['soon', '1775842200.5', '-1775842200', '']) {
      const reason = ts === '' ? 'missing_header' : 'bad_format';
      expectFailure(() => verify(standardHeaders({ 'webhook-timestamp': ts })), reason, 400);
    }
  });

  it('rejects a signature header without a v1 entry with 400', () => {
    expectFailure(
      () => verify(standardHeaders({ 'webhook-signature': 'v1a,abc v2,def' })),
      'bad_format',
      400,
    );
    expectFailure(() => verify(standardHeaders({ 'webhook-signature': 'g0hM9SsE+OTPJ' })), 'bad_format', 400);
  });

  it('rejects a tampered body with 401', () => {
    expectFailure(
      () => verify(standardHeaders(), { body: BODY.replace('call.started', 'call.ended') }),
      'no_matching_signature',
      401,
    );
  });

  it('rejects a tampered id or timestamp, which are part of the signed content', () => {
    expectFailure(() => verify(standardHeaders({ 'webhook-id': 'msg_2' })), 'no_matching_signature', 401);
    const signedEarlier = standardHeaders({ 'webhook-timestamp': String(NOW - 1) });
    expectFailure(() => verify(signedEarlier), 'no_matching_signature', 401);
  });

  it('rejects the wrong secret with 401', () => {
    expectFailure(() => verify(standardHeaders(), { secrets: [OTHER] }), 'no_matching_signature', 401);
  });

  it('rejects when no secret is configured', () => {
    expectFailure(() => verify(standardHeaders(), { secrets: [] }), 'no_secrets', 401);
  });

  it('rejects stale and future timestamps beyond the default 5 minutes, accepts the edge', () => {
    expect(() => verify(standardHeaders({}, [SECRET], NOW - 300))).not.toThrow();
    expect(() => verify(standardHeaders({}, [SECRET], NOW + 300))).not.toThrow();
    expectFailure(() => verify(standardHeaders({}, [SECRET], NOW - 301)), 'stale_timestamp', 401);
    expectFailure(() => verify(standardHeaders({}, [SECRET], NOW + 301)), 'future_timestamp', 401);
  });

  it('uses the configured tolerance', () => {
    const tenMinutesOld = standardHeaders({}, [SECRET], NOW - 600);
    expect(() => verify(tenMinutesOld, { tolerance: 900 })).not.toThrow();
    expectFailure(() => verify(tenMinutesOld), 'stale_timestamp', 401);
    expectFailure(
      () => verify(standardHeaders({}, [SECRET], NOW + 61), { tolerance: 60 }),
      'future_timestamp',
      401,
    );
  });

  it('during rotation a receiver holding either secret accepts, one holding a third rejects', () => {
    const headers = standardHeaders({}, [SECRET, OTHER]);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => verify(headers, { secrets: [SECRET] })).not.toThrow();
    expect(() => verify(headers, { secrets: [OTHER] })).not.toThrow();
    const third = 'whsec_dGhpcmQgc2VjcmV0IG9mIHRoaXJ0eS10d28gYnl0ZXM=';
    expectFailure(() => verify(headers, { secrets: [third] }), 'no_matching_signature', 401);
  });

  it('a receiver holding old and new secrets accepts a delivery signed with only one of them', () => {
    expect(() => verify(standardHeaders({}, [OTHER]), { secrets: [SECRET, OTHER] })).not.toThrow();
  });

  it('ignores entries of other schemes next to a valid v1 entry', () => {
    const headers = standardHeaders();
    headers['webhook-signature'] = `v1a,AAAA v1,bm9wZQ== ${headers['webhook-signature']}`;
    expect(() => verify(headers)).not.toThrow();
  });
});

describe('header lookup', () => {
  const lower = standardHeaders() as Record<string, string>;

  it('reads a Fetch Headers object', () => {
    expect(verify(new Headers(lower)).id).toBe('msg_1');
  });

  it('reads a Node lowercase record, including array values', () => {
    expect(verify(lower).id).toBe('msg_1');
    expect(verify({ ...lower, 'webhook-signature': [lower['webhook-signature'] as string] }).id).toBe(
      'msg_1',
    );
  });

  it('reads mixed-case keys', () => {
    const mixed = {
      'Webhook-Id': lower['webhook-id'],
      'WEBHOOK-TIMESTAMP': lower['webhook-timestamp'],
      'webhook-Signature': lower['webhook-signature'],
    };
    expect(verify(mixed).id).toBe('msg_1');
  });

  it('reads X-BookFlow-Signature from each kind of source', () => {
    const value = signBookFlow([SECRET], BODY);
    for (const headers of [
      new Headers({ 'X-BookFlow-Signature': value }),
      { 'x-bookflow-signature': value },
      { 'X-BookFlow-Signature': value },
    ]) {
      expect(() => verifyBookFlow({ headers, body: BODY, secrets: [SECRET] })).not.toThrow();
    }
  });
});

describe('verifyBookFlow failures', () => {
  const verifyBF = (headers: HeaderSource, body = BODY, secrets = [SECRET]) =>
    verifyBookFlow({ headers, body, secrets });
  const signed = { 'x-bookflow-signature': signBookFlow([SECRET], BODY) };

  it('missing header: 400', () => expectFailure(() => verifyBF({}), 'missing_header', 400));
  it('no sha256= entry: 400', () =>
    expectFailure(() => verifyBF({ 'x-bookflow-signature': 'md5=abc' }), 'bad_format', 400));
  it('tampered body: 401', () =>
    expectFailure(() => verifyBF(signed, `${BODY} `), 'no_matching_signature', 401));
  it('wrong secret: 401', () =>
    expectFailure(() => verifyBF(signed, BODY, [OTHER]), 'no_matching_signature', 401));
  it('truncated hex: 401', () => {
    const truncated = { 'x-bookflow-signature': signed['x-bookflow-signature'].slice(0, 40) };
    expectFailure(() => verifyBF(truncated), 'no_matching_signature', 401);
  });
});
