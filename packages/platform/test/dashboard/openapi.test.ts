import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

/** The routes the dashboard added, as the OpenAPI document must describe them. */
const ROUTES: Array<[string, string]> = [
  ['post', '/v1/dashboard/sessions'],
  ['get', '/v1/dashboard/session'],
  ['delete', '/v1/dashboard/session'],
  ['post', '/v1/dashboard-links'],
  ['get', '/v1/stream'],
  ['get', '/v1/stats'],
  ['get', '/v1/account/notifications'],
  ['put', '/v1/account/notifications/{channel}'],
  ['delete', '/v1/account/notifications/{channel}'],
  ['post', '/v1/account/notifications/{channel}/test'],
];

describe('OpenAPI document for the dashboard routes', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    t = await testPlatform(database.db, { roles: ['api'] });
  });
  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('gives each a summary, an operationId, tags and its problem responses', async () => {
    const res = await t.platform.api!.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = JSON.parse(res.body).paths as Record<string, Record<string, Record<string, unknown>>>;
    const ids = new Set<string>();
    for (const [method, path] of ROUTES) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.summary, `${method} ${path}`).toEqual(expect.any(String));
      expect(op!.tags, `${method} ${path}`).toEqual([expect.any(String)]);
      ids.add(op!.operationId as string);
      const statuses = Object.keys(op!.responses as object);
      expect(
        statuses.some((s) => s.startsWith('4')),
        `${method} ${path}`,
      ).toBe(true);
    }
    expect(ids.size).toBe(ROUTES.length);
  });

  it('a problem answered through a route with documented problem responses keeps all its fields', async () => {
    const { api_key: key } = await t.createAccount();
    const res = await t.platform.api!.inject({
      method: 'GET',
      url: '/v1/stats?window=7d',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode, res.body).toBe(400);
    const problem = JSON.parse(res.body);
    expect(problem).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(problem.errors).toEqual(expect.any(Array));
  });
});
