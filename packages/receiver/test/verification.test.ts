import { generateSecret, sampleEnvelope } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import {
  createReceiver,
  MemoryStore,
  PROBLEMS,
  verifyDelivery,
  WebhookVerificationError,
} from '../src/index.ts';
import { bookFlowOnly, delivery, SECRET, sign } from './helpers/deliveries.ts';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('verifyDelivery', () => {
  it('accepts a Standard Webhooks delivery signed with any of several secrets (rotation)', () => {
    const old = generateSecret();
    const signedWithOld = delivery('call.ended', { secrets: [old] });
    expect(verifyDelivery(signedWithOld.headers, signedWithOld.body, { secrets: [SECRET, old] })).toEqual({
      scheme: 'standard',
      webhookId: signedWithOld.id,
    });
    const signedWithBoth = delivery('call.ended', { secrets: [old, SECRET] });
    expect(verifyDelivery(signedWithBoth.headers, signedWithBoth.body, { secrets: [SECRET] }).scheme).toBe(
      'standard',
    );
  });

  it('checks webhook-timestamp against the receiver clock, with a configurable tolerance', () => {
    const sentAt = new Date('2026-05-01T12:00:00Z');
    const d = delivery('call.started', { deliveredAt: sentAt });
    const at = (ms: number) => () => new Date(sentAt.getTime() + ms);
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [SECRET], now: at(299_000) }))).toBe(
      'verified',
    );
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [SECRET], now: at(301_000) }))).toBe(
      'stale_timestamp',
    );
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [SECRET], now: at(-301_000) }))).toBe(
      'future_timestamp',
    );
    const lenient = { secrets: [SECRET], toleranceSeconds: 600, now: at(301_000) };
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, lenient))).toBe('verified');
  });

  it('names what was wrong: missing header, bad format, no matching signature', () => {
    const d = delivery();
    const without = (name: string) =>
      Object.fromEntries(Object.entries(d.headers).filter(([k]) => k !== name));
    expect(reasonOf(() => verifyDelivery(without('webhook-signature'), d.body, { secrets: [SECRET] }))).toBe(
      'missing_header',
    );
    expect(reasonOf(() => verifyDelivery(without('webhook-timestamp'), d.body, { secrets: [SECRET] }))).toBe(
      'missing_header',
    );
    const badTimestamp = { ...d.headers, 'webhook-timestamp': 'yesterday' };
    expect(reasonOf(() => verifyDelivery(badTimestamp, d.body, { secrets: [SECRET] }))).toBe('bad_format');
    const v2Only = { ...d.headers, 'webhook-signature': 'v2,abc' };
    expect(reasonOf(() => verifyDelivery(v2Only, d.body, { secrets: [SECRET] }))).toBe('bad_format');
    expect(reasonOf(() => verifyDelivery(d.headers, `${d.body} `, { secrets: [SECRET] }))).toBe(
      'no_matching_signature',
    );
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [generateSecret()] }))).toBe(
      'no_matching_signature',
    );
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [] }))).toBe('no_secrets');
  });

  it('accepts the body-only X-BookFlow-Signature only when opted in', () => {
    const d = bookFlowOnly('lead.disqualified');
    expect(reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [SECRET] }))).toBe('missing_header');
    expect(
      verifyDelivery(d.headers, d.body, { secrets: [SECRET], acceptBookFlowSignature: true }).scheme,
    ).toBe('bookflow');
    expect(
      reasonOf(() =>
        verifyDelivery(d.headers, `${d.body}\n`, { secrets: [SECRET], acceptBookFlowSignature: true }),
      ),
    ).toBe('no_matching_signature');
  });

  it('never falls back to the body-only scheme when a Standard Webhooks signature is present and fails', () => {
    // A stale (captured) request still carries a valid body-only signature: it must stay rejected.
    const d = delivery('meeting.booked', { deliveredAt: new Date(Date.now() - 3_600_000) });
    expect(
      reasonOf(() => verifyDelivery(d.headers, d.body, { secrets: [SECRET], acceptBookFlowSignature: true })),
    ).toBe('stale_timestamp');
  });
});

describe('createReceiver', () => {
  it('refuses to start with no secret or one that does not decode', () => {
    expect(() => createReceiver({ store: new MemoryStore(), secrets: [] })).toThrow(
      /at least one webhook secret/,
    );
    expect(() => createReceiver({ store: new MemoryStore(), secrets: [SECRET, 'whsec_'] })).toThrow(
      TypeError,
    );
  });
});

describe('the request path rejects bad deliveries with their reason and enqueues nothing', () => {
  const cases: [string, () => { headers: Record<string, string>; body: string }, string, number][] = [
    [
      'stale timestamp',
      () => delivery('meeting.booked', { deliveredAt: new Date(Date.now() - 600_000) }),
      'stale_timestamp',
      401,
    ],
    [
      'tampered body',
      () => {
        const d = delivery('meeting.booked');
        return { ...d, body: d.body.replace('"meeting.booked"', '"meeting.canceled"') };
      },
      'no_matching_signature',
      401,
    ],
    [
      'wrong secret',
      () => delivery('meeting.booked', { secrets: [generateSecret()] }),
      'no_matching_signature',
      401,
    ],
    [
      'missing headers',
      () => {
        const d = delivery('meeting.booked');
        return { body: d.body, headers: { 'content-type': 'application/json' } };
      },
      'missing_header',
      400,
    ],
  ];

  for (const [name, make, reason, status] of cases) {
    it(name, async () => {
      const store = new MemoryStore();
      const receiver = createReceiver({ store, secrets: [SECRET] });
      const answer = await receiver.handle(make());
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      const problem = JSON.parse(answer.body);
      expect(problem).toMatchObject({
        code: reason,
        status,
        title: PROBLEMS[reason as keyof typeof PROBLEMS].title,
      });
      // Nothing about the secret leaks: neither the secret nor its key material.
      expect(answer.body).not.toContain(SECRET);
      expect(answer.body).not.toContain(SECRET.slice('whsec_'.length, 20));
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
      const failures = await receiver.metrics.registry.getSingleMetricAsString(
        'bookflow_receiver_verification_failures_total',
      );
      expect(failures).toContain(`reason="${reason}"} 1`);
    });
  }

  it('rejects a verified body that is not an envelope with 400 invalid_payload', async () => {
    const store = new MemoryStore();
    const receiver = createReceiver({ store, secrets: [SECRET] });
    const noData = sign({ ...sampleEnvelope('call.started'), data: 'nope' } as unknown as Record<
      string,
      unknown
    >);
    const answer = await receiver.handle(noData);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).code).toBe('invalid_payload');
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
  });
});
