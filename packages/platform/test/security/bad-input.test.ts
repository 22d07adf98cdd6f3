import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';

import { badInputCases } from './bad-input-cases.ts';

describe.each(BACKENDS)('bad input on every route (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;
  let endpointId: string;
  let eventId: string;
  let deliveryId: string;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'], maxPayloadBytes: 32 * 1024, port: 0 });
    await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.platform.api!.server.address() as AddressInfo).port}`;
    key = (await t.createAccount()).api_key;
    endpointId = (await t.createEndpoint(key, 'https://example.com/hook')).id;
    eventId = ((await t.publish(key, 'meeting.booked', sampleData('meeting.booked'))).body as { id: string })
      .id;
    const { rows } = await database.db.query<{ id: string }>('select id from deliveries limit 1');
    deliveryId = rows[0]!.id;
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('every case gets its documented status and code, as problem+json, and nothing is written', async () => {
    const failures: string[] = [];
    for (const c of badInputCases({ endpointId, eventId, deliveryId })) {
      const before = await fingerprint(database.db);
      const auth = {
        account: `Bearer ${key}`,
        admin: `Bearer ${ADMIN_TOKEN}`,
        none: undefined,
        wrong: 'Bearer bfk_wrong',
      }[c.key];
      const res = await t.platform.api!.inject({
        method: c.method,
        url: c.url,
        headers: {
          ...(auth ? { authorization: auth } : {}),
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
        },
        ...(c.body !== undefined ? { payload: c.body } : {}),
      });
      const body = res.body ? JSON.parse(res.body) : {};
      const after = await fingerprint(database.db);
      const problems = [
        res.statusCode !== c.status && `status ${res.statusCode} != ${c.status}`,
        body.code !== c.code && `code ${body.code} != ${c.code}`,
        !String(res.headers['content-type']).includes('application/problem+json') && 'not problem+json',
        JSON.stringify(before) !== JSON.stringify(after) && 'the database changed',
        res.body.includes(key) && 'the key was echoed',
      ].filter(Boolean);
      if (problems.length)
        failures.push(`${c.method} ${c.url.slice(0, 60)} (${c.name}): ${problems.join(', ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('headers over the limit get a problem+json 431 from the real server', async () => {
    const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(
        `${baseUrl}/v1/endpoints`,
        { headers: { authorization: `Bearer ${key}`, 'x-pad': 'a'.repeat(20_000) } },
        (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () =>
            resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(431);
    expect(res.type).toContain('application/problem+json');
    expect(JSON.parse(res.body).code).toBe('headers_too_large');
  });
});
