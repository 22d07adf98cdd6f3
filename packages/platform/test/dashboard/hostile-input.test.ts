import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/catalogue.ts';
import { decodeStreamCursor } from '../../src/live-stream/stream.ts';
import { encodePath, hostileString } from '../security/hostile-requests.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';

const RUNS = Number(process.env.BOOKFLOW_FUZZ_RUNS ?? 100);

interface Req {
  route: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
  cookie?: string;
}

// What each route may answer besides 400, 401 and 403 (CSRF).
const ANSWERS: Record<string, number[]> = {
  'POST /v1/dashboard/sessions': [201],
  'POST /v1/dashboard-links': [201],
  'GET /v1/stats': [200, 404],
  'PUT /v1/account/notifications/{channel}': [200, 422],
  'POST /v1/account/notifications/{channel}/test': [200, 409],
  'DELETE /v1/dashboard/session': [204],
  // Session only: an API key or a made-up cookie is always refused.
  'POST /v1/dashboard/session/mode': [],
};

describe.each(BACKENDS)('hostile input on the dashboard routes (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'] });
    key = (await t.createAccount()).api_key;
  });
  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  const channel = fc.oneof(fc.constantFrom('slack', 'pagerduty'), hostileString.map(encodePath));
  const requests: fc.Arbitrary<Req> = fc.oneof(
    fc
      .oneof(
        fc.record({ api_key: fc.oneof(hostileString, fc.constant(ADMIN_TOKEN)) }),
        fc.record({ link_token: hostileString }),
        fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
      )
      .map((b) => ({
        route: 'POST /v1/dashboard/sessions',
        method: 'POST' as const,
        url: '/v1/dashboard/sessions',
        body: JSON.stringify(b),
      })),
    fc.tuple(fc.option(hostileString), fc.option(hostileString)).map(([w, e]) => ({
      route: 'GET /v1/stats',
      method: 'GET' as const,
      url: `/v1/stats?${w !== null ? `window=${encodePath(w)}&` : ''}${e !== null ? `endpoint_id=${encodePath(e)}` : ''}`,
    })),
    fc.tuple(channel, hostileString).map(([c, v]) => ({
      route: 'PUT /v1/account/notifications/{channel}',
      method: 'PUT' as const,
      url: `/v1/account/notifications/${c}`,
      body: JSON.stringify({ value: v }),
    })),
    channel.map((c) => ({
      route: 'POST /v1/account/notifications/{channel}/test',
      method: 'POST' as const,
      url: `/v1/account/notifications/${c}/test`,
    })),
    fc
      .tuple(
        fc.oneof(
          fc.record({ mode: fc.oneof(fc.constantFrom('live', 'test'), hostileString) }),
          fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
        ),
        fc.option(hostileString),
      )
      .map(([b, c]) => ({
        route: 'POST /v1/dashboard/session/mode',
        method: 'POST' as const,
        url: '/v1/dashboard/session/mode',
        body: JSON.stringify(b),
        ...(c !== null ? { cookie: `bookflow_session=${encodePath(c)}` } : {}),
      })),
    hostileString.map((c) => ({
      route: 'DELETE /v1/dashboard/session',
      method: 'DELETE' as const,
      url: '/v1/dashboard/session',
      cookie: `bookflow_session=${encodePath(c)}`,
    })),
  );

  it(`${RUNS} random requests: a documented answer, problem+json with a catalogued code, nothing written when refused`, async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (req) => {
        const before = await fingerprint(database.db);
        const res = await t.platform.api!.inject({
          method: req.method,
          url: req.url,
          headers: {
            ...(req.cookie ? { cookie: req.cookie } : { authorization: `Bearer ${key}` }),
            ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(req.body !== undefined ? { payload: req.body } : {}),
        });
        const where = `${req.method} ${req.url.slice(0, 100)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect([400, 401, 403, 414, ...ANSWERS[req.route]!], where).toContain(res.statusCode);
        if (res.statusCode >= 400) {
          const problem = JSON.parse(res.body) as { code: ErrorCode };
          expect(String(res.headers['content-type']), where).toContain('application/problem+json');
          expect(ERROR_CATALOGUE[problem.code]?.status, where).toBe(res.statusCode);
          expect(await fingerprint(database.db), `${where}: a refusal changed the database`).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('Last-Event-ID: any text decodes to a cursor of two bounded numbers or to nothing, never an error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), hostileString, fc.stringMatching(/^\d{1,20}\.\d{1,20}$/)), (raw) => {
        const cursor = decodeStreamCursor(raw);
        if (cursor === null) return;
        expect(Number.isSafeInteger(cursor.attempts)).toBe(true);
        expect(Number.isSafeInteger(cursor.deliveries)).toBe(true);
      }),
    );
  });
});
