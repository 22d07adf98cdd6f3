import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  deliveryHeaders,
  generateSecret,
  isWellFormedSecret,
  secretKey,
  signBookFlow,
  signStandard,
  verifyBookFlow,
  verifyStandard,
} from '../src/index.ts';
import { STANDARD_WEBHOOKS_VECTOR as VECTOR } from './support/standard-webhooks-vector.ts';

const at = (seconds: number) => () => new Date(seconds * 1000);

describe('Standard Webhooks test vector', () => {
  it('signStandard reproduces the published signature', () => {
    expect(signStandard([VECTOR.secret], VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('gives the same signature for a Buffer body and an already-decoded key', () => {
    const key = secretKey(VECTOR.secret);
    expect(signStandard([key], VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });

  it('verifyStandard accepts it with the clock set to the vector time', () => {
    const result = verifyStandard({
      headers: {
        'webhook-id': VECTOR.id,
        'webhook-timestamp': String(VECTOR.timestamp),
        'webhook-signature': VECTOR.signature,
      },
      body: VECTOR.body,
      secrets: [VECTOR.secret],
      now: at(VECTOR.timestamp + 30),
    });
    expect(result).toEqual({ id: VECTOR.id, timestamp: new Date(VECTOR.timestamp * 1000) });
  });

  it('the standardwebhooks package computes the same value (sanity check of the vector)', () => {
    const theirs = new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.body);
    expect(theirs).toBe(VECTOR.signature);
  });
});

describe('interop with the standardwebhooks npm package', () => {
  const body = JSON.stringify({ id: 'evt', type: 'meeting.booked', data: { call_id: 'call_1' } });

  function headersFor(secrets: string[]) {
    return deliveryHeaders({
      eventId: '7d6c2c55-9f0e-4a43-8d0b-4d3c6f1f2a10',
      eventType: 'meeting.booked',
      schemaVersion: '2026-04-10',
      attempt: 1,
      deliveredAt: new Date(),
      body,
      secrets,
    });
  }

  it('accepts our delivery headers', () => {
    const secret = generateSecret();
    expect(new Webhook(secret).verify(body, headersFor([secret]))).toEqual(JSON.parse(body));
  });

  it('accepts a rotation delivery with either secret', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = headersFor([oldSecret, newSecret]);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('a signature made by the package is accepted by verifyStandard', () => {
    const secret = generateSecret();
    const sentAt = new Date();
    const signature = new Webhook(secret).sign('msg_1', sentAt, body);
    const timestamp = String(Math.floor(sentAt.getTime() / 1000));
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    expect(verifyStandard({ headers, body, secrets: [secret] }).id).toBe('msg_1');
  });
});

describe('deliveryHeaders', () => {
  it('sets every header of the wire contract, consistently', () => {
    const secret = generateSecret();
    const deliveredAt = new Date('2026-04-10T17:30:00.750Z');
    const headers = deliveryHeaders({
      eventId: 'b1c1e0f4-5d0e-4c9a-9a55-2d1c9f3e7a01',
      eventType: 'call.ended',
      schemaVersion: '2026-04-10',
      attempt: 3,
      deliveredAt,
      body: '{}',
      secrets: [secret],
    });
    expect(headers).toMatchObject({
      'x-bookflow-event-id': 'b1c1e0f4-5d0e-4c9a-9a55-2d1c9f3e7a01',
      'x-bookflow-event-type': 'call.ended',
      'x-bookflow-delivered-at': '2026-04-10T17:30:00.750Z',
      'x-bookflow-schema-version': '2026-04-10',
      'x-bookflow-attempt': '3',
      'webhook-id': 'b1c1e0f4-5d0e-4c9a-9a55-2d1c9f3e7a01',
      'webhook-timestamp': String(Math.floor(deliveredAt.getTime() / 1000)),
    });
    expect(headers['x-bookflow-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });
});

describe('X-BookFlow-Signature', () => {
  const body = '{"type":"lead.disqualified"}';

  it('is sha256=<hex HMAC-SHA256 of the raw body under the decoded key>', () => {
    const expected = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
      .update(body)
      .digest('hex');
    expect(signBookFlow([VECTOR.secret], body)).toBe(`sha256=${expected}`);
  });

  it('verifies, and during rotation accepts either secret but not a third', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    const headers = { 'x-bookflow-signature': signBookFlow([a, b], body) };
    expect(headers['x-bookflow-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyBookFlow({ headers, body, secrets: [a] })).not.toThrow();
    expect(() => verifyBookFlow({ headers, body, secrets: [b] })).not.toThrow();
    expect(() => verifyBookFlow({ headers, body, secrets: [generateSecret()] })).toThrow(
      expect.objectContaining({ reason: 'no_matching_signature', status: 401 }),
    );
  });
});

describe('secrets', () => {
  it('are whsec_ and base64 of 32 random bytes, all different', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(isWellFormedSecret(secret)).toBe(true);
    expect(generateSecret()).not.toBe(secret);
  });

  it('rejects a malformed secret', () => {
    expect(isWellFormedSecret('sk_live_abc')).toBe(false);
    expect(isWellFormedSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(() => secretKey('whsec_')).toThrow(TypeError);
  });
});
