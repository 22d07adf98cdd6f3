import { sampleData } from '@bookflow/events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/catalogue.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';
import { type HostileRequest, hostileRequest } from './hostile-requests.ts';

/** Runs per backend: enough to reach every route many times, bounded so `npm test` stays quick. */
// Enough runs that every one of the ~27 routes is drawn: at 150 a route was missed about one run in
// twelve (26 × (26/27)^150), which made the coverage check below flaky; at 400 it is about 4 in a million.
const RUNS = Number(process.env.BOOKFLOW_FUZZ_RUNS ?? 400);

// Every route the generator draws (each must be drawn). What a route may answer is what the
// OpenAPI document says it answers: a status it does not list is a finding, whether in the route
// (a 500, an undocumented refusal) or in the document (a limit nobody wrote down).
const ROUTES = [
  'POST /v1/accounts',
  'PATCH /v1/accounts/{id}',
  'GET /v1/account',
  'PATCH /v1/account',
  'POST /v1/api-keys',
  'GET /v1/api-keys',
  'DELETE /v1/api-keys/{id}',
  'POST /v1/endpoints',
  'GET /v1/endpoints',
  'GET /v1/endpoints/{id}',
  'PATCH /v1/endpoints/{id}',
  'POST /v1/endpoints/{id}/rotate-secret',
  'DELETE /v1/endpoints/{id}',
  'POST /v1/endpoints/{id}/test',
  'GET /v1/event-types',
  'GET /v1/changelog.atom',
  'POST /v1/endpoints/{id}/preview',
  'POST /v1/events',
  'GET /v1/events/{id}',
  'GET /v1/events/{id}/deliveries',
  'DELETE /v1/events/{id}',
  'GET /v1/deliveries',
  'GET /v1/deliveries/{id}',
  'POST /v1/deliveries/{id}/replay',
  'POST /v1/deliveries/replay',
  'DELETE /v1/test-data',
];

describe.each(BACKENDS)('generated hostile input on every route (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;
  let arbitrary: fc.Arbitrary<HostileRequest>;
  const seen = new Map<string, number>();
  let openapi: { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

  /** The statuses the OpenAPI document lists for a route such as 'POST /v1/endpoints/{id}/test'. */
  function documented(route: string): number[] {
    const [method, path] = route.split(' ') as [string, string];
    return Object.keys(openapi.paths[path]?.[method.toLowerCase()]?.responses ?? {}).map(Number);
  }

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'], maxPayloadBytes: 32 * 1024 });
    const account = await t.createAccount();
    key = account.api_key;
    const endpointId = (await t.createEndpoint(key, 'https://example.com/hook')).id;
    const published = await t.publish(key, 'meeting.booked', sampleData('meeting.booked'));
    const eventId = (published.body as { id: string }).id;
    const { rows } = await database.db.query<{ id: string }>('select id from deliveries limit 1');
    // A second key that the generated DELETEs may revoke, so the one the test uses stays active.
    const spare = await t.call('POST', '/v1/api-keys', key, { name: 'spare' });
    openapi = t.platform.api!.swagger() as unknown as typeof openapi;
    arbitrary = hostileRequest({
      accountId: account.id,
      endpointId,
      eventId,
      deliveryId: rows[0]!.id,
      apiKeyId: (spare.body as { id: string }).id,
    });
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  async function send(req: HostileRequest) {
    const authorization = {
      account: `Bearer ${key}`,
      admin: `Bearer ${ADMIN_TOKEN}`,
      hostile: `Bearer ${req.hostileAuth}`,
    }[req.auth];
    const res = await t.platform.api!.inject({
      method: req.method,
      url: req.url,
      headers: {
        authorization,
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...req.headers,
      },
      ...(req.body !== undefined ? { payload: req.body } : {}),
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body };
  }

  /** After a 2xx that stored something: what is read back is exactly what was sent. */
  async function storedAsSent(req: HostileRequest, body: Record<string, unknown>): Promise<string | null> {
    const sent = req.sent ?? {};
    const same = (field: string, expected: unknown) =>
      JSON.stringify(body[field]) === JSON.stringify(expected)
        ? null
        : `${field} came back as ${JSON.stringify(body[field])}`;
    switch (req.route) {
      case 'POST /v1/accounts':
        return same('name', sent.name ?? 'Unnamed account');
      case 'POST /v1/api-keys':
        return same('name', sent.name);
      case 'POST /v1/endpoints':
      case 'PATCH /v1/endpoints/{id}':
        return (
          ('url' in sent ? same('url', sent.url) : null) ??
          ('description' in sent ? same('description', sent.description) : null)
        );
      case 'POST /v1/events': {
        const event = await t.call('GET', `/v1/events/${body.id}`, key);
        const data = (event.body as { data: unknown }).data;
        if (JSON.stringify(data) !== JSON.stringify(sent.data)) return 'the event data came back different';
        const idempotencyKey = req.headers?.['idempotency-key'];
        if (idempotencyKey === undefined) return null;
        const { rows } = await database.db.query<{ k: string }>(
          'select idempotency_key as k from events where id = $1',
          [body.id],
        );
        return rows[0]?.k === idempotencyKey ? null : 'the Idempotency-Key was stored altered';
      }
      default:
        return null;
    }
  }

  it(`${RUNS} random requests: a documented 2xx/4xx, problem+json with a catalogued code, nothing half-written`, async () => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        seen.set(req.route, (seen.get(req.route) ?? 0) + 1);
        const before = await fingerprint(database.db);
        const res = await send(req);
        const after = await fingerprint(database.db);
        const where = `${req.method} ${req.url.slice(0, 120)} → ${res.status} ${res.text.slice(0, 300)}`;
        // The document lists 500 (internal_error) on every route; input must never cause one.
        const allowed = documented(req.route).filter((status) => status < 500);
        expect(allowed, where).toContain(res.status);
        if (res.status >= 400) {
          const problem = JSON.parse(res.text) as { code: ErrorCode; status: number };
          expect(res.type, where).toContain('application/problem+json');
          expect(ERROR_CATALOGUE[problem.code]?.status, where).toBe(res.status);
          expect(problem.status, where).toBe(res.status);
          expect(after, `${where}: a refused request changed the database`).toEqual(before);
        } else if (res.text && res.type.includes('json')) {
          expect(await storedAsSent(req, JSON.parse(res.text)), where).toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
    // Every route was reached: a generator that stopped producing one would otherwise go unnoticed.
    expect([...seen.keys()].sort()).toEqual([...ROUTES].sort());
  }, 240_000);
});
