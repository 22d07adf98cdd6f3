import { deliveryHeaders, type EventType, generateSecret, sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_WEBHOOKS_VECTOR as VECTOR } from '../../../packages/events/test/support/standard-webhooks-vector.ts';
import { openTestDatabase, type TestDatabase } from '../../../packages/platform/test/support/databases.ts';
import { eventually, testPlatform } from '../../../packages/platform/test/support/platform.ts';
import { LANGUAGES, type RunningSample, startSample } from './samples.ts';

// The four samples in examples/verify, each run as its own process, against deliveries the
// platform really sends and against requests signed with @bookflow/events. The platform runs on
// PGlite only: the database has no part in the bytes a sample verifies.

const BODY = JSON.stringify({
  id: '0b6f3c1e-5d2a-4f7b-9c8e-1a2b3c4d5e6f',
  type: 'meeting.booked',
  created_at: '2026-04-10T17:30:00.000Z',
  account_id: 'acct_samples',
  schema_version: '2026-04-10',
  data: sampleData('meeting.booked', { seed: 3 }),
});

interface Signed {
  body?: string;
  secrets: string[];
  at?: Date;
  /** Header overrides; `undefined` removes the header. */
  headers?: Record<string, string | undefined>;
  /** Changes the body after it was signed. */
  tamper?: (body: string) => string;
}

/** POSTs a request signed by the repository's own signing code, as the worker would. */
async function send(url: string, { body = BODY, secrets, at = new Date(), headers = {}, tamper }: Signed) {
  const signed: Record<string, string | undefined> = {
    ...deliveryHeaders({
      eventId: JSON.parse(body).id,
      eventType: 'meeting.booked',
      schemaVersion: '2026-04-10',
      attempt: 1,
      deliveredAt: at,
      body,
      secrets,
    }),
    ...headers,
  };
  const res = await fetch(url, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(signed).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    body: tamper ? tamper(body) : body,
  });
  return { status: res.status, text: await res.text() };
}

let database: TestDatabase;
let t: Awaited<ReturnType<typeof testPlatform>>;

// One platform for the whole file, so its start-up budget is a generous one.
beforeAll(async () => {
  database = await openTestDatabase('pglite');
  t = await testPlatform(database.db);
}, 180_000);

afterAll(async () => {
  await t?.platform.stop();
  await database?.close();
});

for (const language of LANGUAGES) {
  if (!language.available) {
    console.warn(
      `[tests] ${language.runtime} is not on PATH: the ${language.name} signing sample is skipped`,
    );
  }
  const title = language.available
    ? `${language.name} signing sample`
    : `${language.name} signing sample (skipped: ${language.runtime} is not installed)`;

  describe.skipIf(!language.available)(title, () => {
    let sample: RunningSample;
    let vectorSample: RunningSample;
    let apiKey: string;
    let endpoint: { id: string; secret: string };
    const secondSecret = generateSecret();

    beforeAll(async () => {
      const command = await language.prepare();
      // Its own account, so deliveries meant for another language's (stopped) sample never queue here.
      apiKey = (await t.createAccount({ name: `samples-${language.name}` })).api_key;
      // The platform generates the endpoint secret, and the sample needs it at start: create the
      // endpoint first, start the sample, then point the endpoint at the port the sample got.
      endpoint = await t.createEndpoint(apiKey, 'http://127.0.0.1:9/not-yet', ['meeting.booked']);
      [sample, vectorSample] = await Promise.all([
        startSample(command, { secrets: [endpoint.secret, secondSecret] }),
        startSample(command, { secrets: [VECTOR.secret], now: VECTOR.timestamp + 30 }),
      ]);
      const patched = await t.call('PATCH', `/v1/endpoints/${endpoint.id}`, apiKey, { url: sample.url });
      expect(patched.status).toBe(200);
    }, 180_000);

    afterAll(async () => {
      await Promise.all([sample?.stop(), vectorSample?.stop()]);
      await language.cleanup();
    });

    /** Publishes one event and waits for the end of its first attempt. */
    async function firstAttempt(type: EventType) {
      const published = await t.publish(apiKey, type, sampleData(type, { seed: 11 }));
      expect(published.status).toBe(202);
      const eventId = (published.body as { id: string }).id;
      const attempt = await eventually(async () => {
        const res = await t.call('GET', `/v1/events/${eventId}/deliveries`, apiKey);
        const [delivery] = (
          res.body as {
            data: Array<{ attempts: Array<{ status_code: number | null; response_body: string }> }>;
          }
        ).data;
        return delivery?.attempts[0]?.status_code ? delivery.attempts[0] : null;
      });
      return { eventId, attempt };
    }

    it('verifies a real platform delivery (204) and prints the event id and type', async () => {
      const { eventId, attempt } = await firstAttempt('meeting.booked');
      expect(attempt.status_code).toBe(204);
      await eventually(async () => sample.output().includes(`verified ${eventId} meeting.booked`));
    });

    it('refuses a real platform delivery signed with a secret it does not hold (401 with the reason)', async () => {
      // A second endpoint at the same URL has its own secret, which the sample was not given.
      const other = await t.createEndpoint(apiKey, sample.url, ['call.ended']);
      const { eventId, attempt } = await firstAttempt('call.ended');
      expect(attempt.status_code).toBe(401);
      expect(attempt.response_body).toMatch(/^no_matching_signature: /);
      expect(sample.output()).not.toContain(`verified ${eventId}`);
      await t.call('DELETE', `/v1/endpoints/${other.id}`, apiKey);
    });

    it('after the platform rotates the secret, still verifies with the old secret alone', async () => {
      const rotated = await t.call('POST', `/v1/endpoints/${endpoint.id}/rotate-secret`, apiKey, {});
      expect(rotated.status).toBe(201);
      expect((rotated.body as { secret: string }).secret).not.toBe(endpoint.secret);
      const { eventId, attempt } = await firstAttempt('meeting.booked');
      expect(attempt.status_code).toBe(204);
      await eventually(async () => sample.output().includes(`verified ${eventId} meeting.booked`));
    });

    it('accepts a request signed with either configured secret, alone or beside an unknown one', async () => {
      expect(await send(sample.url, { secrets: [endpoint.secret] })).toEqual({ status: 204, text: '' });
      expect((await send(sample.url, { secrets: [secondSecret] })).status).toBe(204);
      expect((await send(sample.url, { secrets: [generateSecret(), secondSecret] })).status).toBe(204);
    });

    it('verifies the bytes as sent: non-ASCII text, escapes and spacing that a re-serialisation would change', async () => {
      const id = 'a3c9e7f0-1b2d-4e5f-8a6b-7c8d9e0f1a2b';
      const body = `{"id": "${id}", "type": "meeting.booked", "data": {"lead": "Zoë Müller — 日本", "note": "caf\\u00e9", "score": 1.0}}`;
      expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
      expect(await send(sample.url, { secrets: [endpoint.secret], body })).toEqual({ status: 204, text: '' });
      await eventually(async () => sample.output().includes(`verified ${id} meeting.booked`));
      const reserialised = await send(sample.url, {
        secrets: [endpoint.secret],
        body,
        tamper: (raw) => JSON.stringify(JSON.parse(raw)),
      });
      expect(reserialised.status).toBe(401);
    });

    it('refuses a tampered body and a wrong secret', async () => {
      const tampered = await send(sample.url, {
        secrets: [endpoint.secret],
        tamper: (body) => body.replace('"meeting.booked"', '"meeting.canceled"'),
      });
      expect(tampered.status).toBe(401);
      expect(tampered.text).toMatch(/^no_matching_signature: no webhook-signature entry/);
      const wrong = await send(sample.url, { secrets: [generateSecret()] });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toMatch(/^no_matching_signature: /);
    });

    it('refuses a timestamp more than 5 minutes from its clock, either way, and accepts one within', async () => {
      const minutes = (n: number) => new Date(Date.now() + n * 60_000);
      const stale = await send(sample.url, { secrets: [endpoint.secret], at: minutes(-10) });
      expect(stale.status).toBe(401);
      expect(stale.text).toMatch(/^stale_timestamp: /);
      const future = await send(sample.url, { secrets: [endpoint.secret], at: minutes(10) });
      expect(future.status).toBe(401);
      expect(future.text).toMatch(/^future_timestamp: /);
      expect((await send(sample.url, { secrets: [endpoint.secret], at: minutes(-3) })).status).toBe(204);
    });

    it('names a missing header and a malformed one', async () => {
      const missing = await send(sample.url, {
        secrets: [endpoint.secret],
        headers: { 'webhook-signature': undefined },
      });
      expect(missing).toEqual({
        status: 401,
        text: 'missing_header: missing header(s): webhook-signature\n',
      });
      const noV1 = await send(sample.url, {
        secrets: [endpoint.secret],
        headers: { 'webhook-signature': 'v2,abc' },
      });
      expect(noV1.status).toBe(401);
      expect(noV1.text).toMatch(/^bad_format: /);
      const badTime = await send(sample.url, {
        secrets: [endpoint.secret],
        headers: { 'webhook-timestamp': 'yesterday' },
      });
      expect(badTime.status).toBe(401);
      expect(badTime.text).toMatch(/^bad_format: webhook-timestamp/);
    });

    it('checks X-BookFlow-Signature when present and does without it when absent', async () => {
      const forged = await send(sample.url, {
        secrets: [endpoint.secret],
        headers: { 'x-bookflow-signature': `sha256=${'0'.repeat(64)}` },
      });
      expect(forged.status).toBe(401);
      expect(forged.text).toMatch(/^no_matching_signature: no x-bookflow-signature entry/);
      const standardOnly = await send(sample.url, {
        secrets: [endpoint.secret],
        headers: { 'x-bookflow-signature': undefined },
      });
      expect(standardOnly.status).toBe(204);
    });

    it('accepts the Standard Webhooks published test vector, and refuses it altered', async () => {
      const vector = (body: string) =>
        fetch(vectorSample.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': VECTOR.id,
            'webhook-timestamp': String(VECTOR.timestamp),
            'webhook-signature': VECTOR.signature,
          },
          body,
        });
      expect((await vector(VECTOR.body)).status).toBe(204);
      await eventually(async () => vectorSample.output().includes(`verified ${VECTOR.id} unknown`));
      expect((await vector(VECTOR.body.replace('2432232314', '2432232315'))).status).toBe(401);
    });
  });
}
