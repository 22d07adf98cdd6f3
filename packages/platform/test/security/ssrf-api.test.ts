import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

describe('endpoint URLs under the destination policy', () => {
  let database: TestDatabase;
  let guarded: Awaited<ReturnType<typeof testPlatform>>;
  let https: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    guarded = await testPlatform(database.db, { roles: ['api'], allowPrivateDestinations: false });
    https = await testPlatform(database.db, { roles: ['api'], requireHttps: true });
  });

  afterAll(async () => {
    await guarded.platform.stop();
    await https.platform.stop();
    await database.close();
  });

  const refused = [
    'http://127.0.0.1/hook',
    'http://localhost:3000/hook',
    'http://api.localhost/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/hook',
    'http://[::1]/hook',
    'http://[fd00:ec2::254]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://2130706433/hook',
    'http://0x7f.1/hook',
    'http://0/hook',
  ];

  it.each(refused)('%s is refused at creation with invalid_url when the guard is on', async (url) => {
    const key = (await guarded.createAccount()).api_key;
    const res = await guarded.call('POST', '/v1/endpoints', key, { url, event_types: ['meeting.booked'] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_url', detail: expect.stringContaining('SSRF') });
  });

  it('a public name is accepted (its addresses are checked at connect time)', async () => {
    const key = (await guarded.createAccount()).api_key;
    const res = await guarded.call('POST', '/v1/endpoints', key, {
      url: 'https://hooks.example.com/x',
      event_types: ['meeting.booked'],
    });
    expect(res.status).toBe(201);
  });

  it('PATCH to a private address is refused too', async () => {
    const key = (await guarded.createAccount()).api_key;
    const ep = await guarded.createEndpoint(key, 'https://hooks.example.com/x');
    const res = await guarded.call('PATCH', `/v1/endpoints/${ep.id}`, key, { url: 'http://10.0.0.1/x' });
    expect(res.status).toBe(422);
    expect((await guarded.call('GET', `/v1/endpoints/${ep.id}`, key)).body).toMatchObject({
      url: 'https://hooks.example.com/x',
    });
  });

  it('BOOKFLOW_REQUIRE_HTTPS refuses http: URLs', async () => {
    const key = (await https.createAccount()).api_key;
    const res = await https.call('POST', '/v1/endpoints', key, {
      url: 'http://hooks.example.com/x',
      event_types: ['meeting.booked'],
    });
    expect(res.status).toBe(422);
    expect((res.body as { code: string }).code).toBe('invalid_url');
    const ok = await https.call('POST', '/v1/endpoints', key, {
      url: 'https://hooks.example.com/x',
      event_types: ['meeting.booked'],
    });
    expect(ok.status).toBe(201);
  });
});
