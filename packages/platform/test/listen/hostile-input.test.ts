import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileString } from '../security/hostile-requests.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

/** Any JSON value, hostile strings included. */
const anything = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);

describe('listen and event-list routes under hostile input (fast-check)', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;
  let endpointId: string;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    t = await testPlatform(database.db, { roles: ['api'], apiRateLimitPerMinute: 0 });
    key = (await t.createAccount()).api_key;
    endpointId = (
      (await t.call('POST', '/v1/listen', key, { forward_to: 'http://127.0.0.1:9/x' })).body as { id: string }
    ).id;
  });
  afterAll(async () => {
    await t?.platform.stop();
    await database?.close();
  });

  it('a report of any shape is refused with a catalogued problem (400 or 404), never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            delivery_id: anything,
            attempt: anything,
            status_code: anything,
            duration_ms: anything,
            response_body_base64: anything,
            response_content_type: anything,
            retry_after: anything,
            error: fc.oneof(anything, fc.record({ kind: anything, message: anything })),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const res = await t.call('POST', `/v1/listen/${endpointId}/results`, key, body);
          expect([400, 404]).toContain(res.status);
          expect(res.headers['content-type']).toContain('application/problem+json');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the event list answers 200 or a 400 problem for any query, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            type: hostileString,
            since: hostileString,
            until: hostileString,
            limit: hostileString,
            cursor: hostileString,
          },
          { requiredKeys: [] },
        ),
        async (query) => {
          const res = await t.call('GET', `/v1/events?${new URLSearchParams(query)}`, key);
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
