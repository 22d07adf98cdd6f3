import { gzipSync } from 'node:zlib';
import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, countByStatus, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

type Attempt = {
  attempt: number;
  outcome: string;
  status_code: number | null;
  response_body: string | null;
  response_body_encoding: string | null;
  response_content_type: string | null;
  response_truncated: boolean;
};
type Delivery = { endpoint_id: string; status: string; attempt_count: number; attempts: Attempt[] };

/** Bodies no text column takes as they are, each with the text a person is shown for it. */
const BODIES: Record<string, { bytes: Buffer; shown?: string; encoding: 'utf8' | 'escaped' }> = {
  nul: { bytes: Buffer.from('ok\u0000'), shown: 'ok\\x00', encoding: 'escaped' },
  invalid_utf8: {
    bytes: Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x41]),
    shown: 'ok\\xff\\xfeA',
    encoding: 'escaped',
  },
  // U+D800 encoded as if it were a character (CESU-8): not valid UTF-8.
  lone_surrogate: {
    bytes: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]),
    shown: 'a\\xed\\xa0\\x80b',
    encoding: 'escaped',
  },
  backslash_and_nul: { bytes: Buffer.from('C:\\dir\u0000'), shown: 'C:\\\\dir\\x00', encoding: 'escaped' },
  gzip: { bytes: gzipSync('{"ok":true}'), encoding: 'escaped' },
  nul_16k: { bytes: Buffer.alloc(16_384), shown: '\\x00'.repeat(16_384), encoding: 'escaped' },
  binary_20k: {
    bytes: Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256)),
    encoding: 'escaped',
  },
  plain_text: { bytes: Buffer.from('reçu \\ merci\tok'), shown: 'reçu \\ merci\tok', encoding: 'utf8' },
};

describe.each(BACKENDS)('hostile response bodies (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    // A generous attempt timeout: every receiver here answers at once, so only a busy machine could
    // turn an answer into a timeout, and that is not what this test is about.
    t = await testPlatform(database.db, {
      retryScheduleMs: [20, 20],
      totalTimeoutMs: 10_000,
      leaseMs: 60_000,
    });
    receiver = await startReceiver((req) => {
      const url = new URL(req.path, 'http://x');
      const body = BODIES[url.searchParams.get('body')!]!;
      return {
        status: Number(url.searchParams.get('status')),
        headers: { 'content-type': 'application/octet-stream' },
        bytes: body.bytes,
      };
    });
  });

  afterEach(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  it('are recorded, escaped, for a 200 and a 500 alike; no delivery is stuck or sent twice as one attempt', async () => {
    const account = await t.createAccount();
    const cases = new Map<string, { body: string; status: number }>();
    for (const body of Object.keys(BODIES)) {
      for (const status of [200, 500]) {
        const ep = await t.createEndpoint(account.api_key, `${receiver.url}?body=${body}&status=${status}`);
        cases.set(ep.id, { body, status });
      }
    }
    const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
    const eventId = (res.body as { id: string }).id;

    // Successes end succeeded after one attempt; 500s use the whole schedule (3 attempts) and end dead.
    const deliveries = await eventually(async () => {
      const got = await t.call('GET', `/v1/events/${eventId}/deliveries`, account.api_key);
      const data = (got.body as { data: Delivery[] }).data;
      return data.every((d) => d.status === 'succeeded' || d.status === 'dead') ? data : null;
    }, 200_000);
    expect(deliveries).toHaveLength(cases.size);
    for (const d of deliveries) {
      const { body, status } = cases.get(d.endpoint_id)!;
      const expected = BODIES[body]!;
      const label = `${body} ${status}`;
      expect(d.status, label).toBe(status === 200 ? 'succeeded' : 'dead');
      expect(d.attempt_count, label).toBe(status === 200 ? 1 : 3);
      expect(
        d.attempts.map((a) => a.attempt),
        label,
      ).toEqual(status === 200 ? [1] : [1, 2, 3]);
      for (const a of d.attempts) {
        expect(a.outcome, label).toBe(status === 200 ? 'succeeded' : 'failed');
        expect(a.status_code, `${label} ${JSON.stringify(a)}`).toBe(status);
        expect(a.response_body_encoding, label).toBe(expected.encoding);
        expect(a.response_content_type, label).toBe('application/octet-stream');
        if (expected.shown !== undefined) expect(a.response_body, label).toBe(expected.shown);
        expect(a.response_body!.length, label).toBeLessThanOrEqual(4 * 16_384);
        expect(a.response_truncated, label).toBe(expected.bytes.length > 16_384);
      }
      // What the receiver saw for this endpoint: each attempt number once, in order.
      const seen = receiver.requests
        .filter((q) => q.path.includes(`body=${body}&status=${status}`))
        .map((q) => Number(q.headers['x-bookflow-attempt']));
      expect(seen, label).toEqual(status === 200 ? [1] : [1, 2, 3]);
    }
    const gzip = deliveries.find((d) => cases.get(d.endpoint_id)!.body === 'gzip')!;
    expect(gzip.attempts[0]!.response_body).toMatch(/^\\x1f\\x8b/);
    expect(await countByStatus(database.db)).toEqual({ succeeded: 8, dead: 8 });
  }, 240_000);
});
