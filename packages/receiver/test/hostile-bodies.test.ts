import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, PROBLEMS, type Receiver, type ReceiverStore } from '../src/index.ts';
import { eventFromJob } from '../src/worker/event-from-job.ts';
import { envelopeBody, nestedBody, SECRET, signBody } from './helpers/deliveries.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';

// Every body a valid sender can sign gets a 200 (stored, deduped) or a permanent 4xx, on every
// store: never a 5xx, which the sender would retry for about 31 hours.

const harnesses = storeHarnesses();
reportSkipped('hostile-bodies.test.ts', harnesses);

/** The permanent refusals a verified body can get, as the README documents them. */
const PERMANENT = new Set(['invalid_payload', 'payload_too_deep']);

/** Strings built from what breaks stores and parsers: NUL, lone surrogates, RTL override, emoji, quotes. */
const hostileString = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u{1f600}', '"', '\\', '{', '[', '\ufffd'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const hostileJson = fc
  .jsonValue({ maxDepth: 4 })
  .chain((value) =>
    hostileString.map((s) => ({ value, s })).map(({ value, s }) => ({ [s]: value, s, arr: [s, value] })),
  );

/** A body and what the receiver must answer: 'ok', 'refused', or either (any storable-or-refused). */
type Case = { body: string | Uint8Array; expect: 'ok' | 'refused' | 'any' };

const cases: fc.Arbitrary<Case> = fc.oneof(
  // Envelopes whose data holds hostile strings and keys: always storable.
  hostileJson.map((data) => ({ body: envelopeBody(data), expect: 'ok' as const })),
  // Nesting around the limit (64 levels; the envelope and `data` add two).
  fc.integer({ min: 1, max: 100 }).map((depth) => ({
    body: nestedBody(depth),
    expect: depth + 2 <= 64 ? ('ok' as const) : ('refused' as const),
  })),
  fc
    .integer({ min: 65, max: 20_000 })
    .map((depth) => ({ body: nestedBody(depth), expect: 'refused' as const })),
  // Huge strings (the adapters cap bodies at 1 MiB; the request path itself has no cap).
  fc
    .tuple(fc.integer({ min: 1, max: 400_000 }), hostileString)
    .map(([n, s]) => ({ body: envelopeBody({ big: 'x'.repeat(n) + s }), expect: 'ok' as const })),
  // Hostile identifiers: refused when not 1 to 255 printable characters, never a 5xx.
  fc
    .tuple(hostileString, hostileString)
    .map(([id, type]) => ({ body: JSON.stringify({ id, type, data: {} }), expect: 'any' as const })),
  // Not JSON at all, or not an envelope.
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ body: bytes, expect: 'any' as const })),
  hostileString.map((s) => ({ body: s, expect: 'any' as const })),
  fc.jsonValue().map((v) => ({ body: JSON.stringify(v) ?? 'null', expect: 'any' as const })),
);

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`${harness.name} store: hostile signed bodies`, () => {
    let store: ReceiverStore;
    let receiver: Receiver;
    beforeAll(() => harness.setup(), 60_000);
    afterAll(() => harness.teardown());
    afterEach(() => harness.reset());

    async function fresh() {
      store = await harness.create();
      receiver = createReceiver({ store, secrets: [SECRET] });
    }

    async function send(body: string | Uint8Array) {
      const answer = await receiver.handle(signBody(body));
      return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
    }

    it('stores a body with \\u0000 in data and keys, dedupes it, and hands the handler the NUL', async () => {
      await fresh();
      const body = envelopeBody({ note: 'ok\u0000', '\u0000key': ['\ud800', '\u{1f600}'] });
      const id = (JSON.parse(body) as { id: string }).id;
      expect(await send(body)).toEqual({ status: 200, body: { id, status: 'accepted' } });
      expect(await send(body)).toEqual({ status: 200, body: { id, status: 'duplicate' } });
      const [job] = await store.claim({ workerId: 'w', limit: 10, leaseMs: 60_000, now: new Date() });
      expect(job!.body).toBe(body);
      expect(eventFromJob(job!).data).toEqual({ note: 'ok\u0000', '\u0000key': ['\ud800', '\u{1f600}'] });
    });

    it('refuses a 5,000-level nested body with a permanent 400 payload_too_deep, storing nothing', async () => {
      await fresh();
      const answer = await send(nestedBody(5000));
      expect(answer).toMatchObject({ status: 400, body: { code: 'payload_too_deep' } });
      expect(String(answer.body.detail)).toContain('64 levels');
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    });

    it('refuses signed bytes that are not JSON with a permanent 400 invalid_payload', async () => {
      await fresh();
      const answer = await send(new Uint8Array([0x7b, 0x00, 0xff, 0xfe, 0x22]));
      expect(answer).toMatchObject({ status: 400, body: { code: 'invalid_payload' } });
      expect(String(answer.body.detail)).toContain('not valid JSON');
    });

    it('property: any signed body is stored and deduped (200) or refused for good (400), never a 5xx', async () => {
      await fresh();
      await fc.assert(
        fc.asyncProperty(cases, async ({ body, expect: expected }) => {
          const first = await send(body);
          expect(first.status).toBeLessThan(500);
          if (first.status !== 200) {
            expect(PERMANENT.has(String(first.body.code)), JSON.stringify(first.body)).toBe(true);
            expect(first.status).toBe(PROBLEMS[first.body.code as keyof typeof PROBLEMS].status);
            expect(expected).not.toBe('ok');
            return;
          }
          expect(expected).not.toBe('refused');
          const id = String(first.body.id);
          expect(first.body.status).toBe('accepted');
          expect((await send(body)).body).toEqual({ id, status: 'duplicate' });
          // Stored faithfully: the handler sees what JSON.parse makes of the bytes sent.
          const jobs = await store.claim({ workerId: 'w', limit: 100, leaseMs: 60_000, now: new Date() });
          const job = jobs.find((j) => j.eventId === id);
          const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
          expect(eventFromJob(job!).envelope).toEqual(JSON.parse(text));
          for (const j of jobs) await store.complete(j.eventId, 'w');
        }),
        { numRuns: 60 },
      );
    });
  });
}
