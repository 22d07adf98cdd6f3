import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTextProblems } from '../../src/db/text-checks.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';

const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';

describe('findTextProblems', () => {
  it('names the path of every NUL and lone surrogate, keys included, in document order', () => {
    const value = {
      ok: ['🙂', '\u202eevil', 'x'.repeat(10_000)],
      lead: { name: 'Ada\u0000', 'odd key': [`a${LONE_HIGH}`], 'k\u0000': 'fine' },
      tail: `${LONE_LOW}z`,
    };
    expect(findTextProblems(value, 'data')).toEqual([
      { path: 'data.lead.name', message: expect.stringContaining('U+0000') },
      { path: 'data.lead["odd key"][0]', message: expect.stringContaining('lone UTF-16 surrogate') },
      { path: 'data.lead["k\\u0000"]', message: expect.stringMatching(/^key contains U\+0000/) },
      { path: 'data.tail', message: expect.stringContaining('lone UTF-16 surrogate') },
    ]);
  });

  it('accepts surrogate pairs, RTL overrides and every other code point', () => {
    const all = Array.from({ length: 0xd800 - 1 }, (_, i) => String.fromCharCode(i + 1)).join('');
    expect(findTextProblems({ all, emoji: '👩‍👩‍👧‍👦𝄞', rtl: '\u202e\u2066' }, 'data')).toEqual([]);
  });
});

describe.each(BACKENDS)('what the database cannot store as sent (%s)', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });

  // The facts the publish and text rules rest on: if an engine upgrade changed them, these fail.
  it('text refuses NUL and silently replaces a lone surrogate', async () => {
    await expect(database.db.query('select $1::text', ['a\u0000b'])).rejects.toMatchObject({
      code: '22021',
    });
    const { rows } = await database.db.query<{ v: string }>('select $1::text as v', [`a${LONE_HIGH}b`]);
    expect(rows[0]!.v).toBe('a\ufffdb');
  });

  it('a leading byte-order mark is stored, but PGlite gives it back without it', async () => {
    const { rows } = await database.db.query<{ v: string; n: number }>(
      'select $1::text as v, length($1::text) as n',
      ['\ufeffAcme'],
    );
    expect(rows[0]!.n).toBe(5);
    expect(rows[0]!.v).toBe(backend === 'pglite' ? 'Acme' : '\ufeffAcme');
  });

  it('jsonb (what a receiver keeps payloads in) refuses both escapes, so neither can be delivered', async () => {
    await expect(database.db.query('select $1::jsonb', ['{"a":"\\u0000"}'])).rejects.toMatchObject({
      code: '22P05',
    });
    await expect(
      database.db.query('select $1::jsonb', [JSON.stringify({ a: LONE_HIGH })]),
    ).rejects.toMatchObject({ code: '22P02' });
  });
});

describe.each(BACKENDS)('NUL and lone surrogates on the API (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;
  let endpointId: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'] });
    key = (await t.createAccount()).api_key;
    endpointId = (await t.createEndpoint(key, 'https://example.com/hook')).id;
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  async function refused(
    send: () => Promise<{ status: number; body: unknown; headers: Record<string, unknown> }>,
  ) {
    const before = await fingerprint(database.db);
    const res = await send();
    expect(await fingerprint(database.db)).toEqual(before);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    return { status: res.status, ...(res.body as { code: string; detail: string; errors: unknown[] }) };
  }

  const textCases: Array<[string, string, () => [string, string, string, unknown, Record<string, string>?]]> =
    [
      ['an account name', 'body.name', () => ['POST', '/v1/accounts', ADMIN_TOKEN, { name: 'Acme\u0000' }]],
      [
        'an endpoint description',
        'body.description',
        () => [
          'POST',
          '/v1/endpoints',
          key,
          { url: 'https://example.com/x', event_types: ['meeting.booked'], description: 'a\u0000' },
        ],
      ],
      [
        'a URL path (which the URL parser would have accepted)',
        'body.url',
        () => [
          'POST',
          '/v1/endpoints',
          key,
          { url: 'https://example.com/a\u0000b', event_types: ['call.ended'] },
        ],
      ],
      [
        'a patched description',
        'body.description',
        () => ['PATCH', `/v1/endpoints/${endpointId}`, key, { description: `x${LONE_LOW}` }],
      ],
      ['an API key name', 'body.name', () => ['POST', '/v1/api-keys', key, { name: `k${LONE_HIGH}` }]],
      [
        'a name starting with a byte-order mark',
        'body.name',
        () => ['POST', '/v1/api-keys', key, { name: '\ufeffci' }],
      ],
      [
        'a PagerDuty routing key',
        'body.pagerduty_routing_key',
        () => ['PATCH', '/v1/account', key, { pagerduty_routing_key: 'r\u0000' }],
      ],
      [
        'an Idempotency-Key',
        'headers.idempotency-key',
        () => [
          'POST',
          '/v1/events',
          key,
          { type: 'meeting.booked', data: sampleData('meeting.booked') },
          { 'idempotency-key': 'k\u0000' },
        ],
      ],
      [
        'an event type',
        'body.type',
        () => ['POST', '/v1/events', key, { type: 'meeting.booked\u0000', data: {} }],
      ],
    ];

  it.each(textCases)('%s → 400 invalid_text naming %s, nothing written', async (_name, path, build) => {
    const [method, url, auth, body, headers] = build();
    const problem = await refused(() => t.call(method as 'POST' | 'PATCH', url, auth, body, headers));
    expect(problem).toMatchObject({ status: 400, code: 'invalid_text', errors: [{ path }] });
    expect(problem.detail).toContain(path);
  });

  it('NUL at any depth of data, or in a key → 422 invalid_event_data naming the path', async () => {
    const data = sampleData('meeting.booked') as unknown as { lead: Record<string, unknown> };
    const deepNul = await refused(() =>
      t.publish(key, 'meeting.booked', { ...data, lead: { ...data.lead, name: 'Daniel\u0000' } }),
    );
    expect(deepNul).toMatchObject({
      status: 422,
      code: 'invalid_event_data',
      errors: [{ path: 'data.lead.name' }],
    });
    expect(deepNul.detail).toContain('data.lead.name');

    const inKey = await refused(() =>
      t.publish(key, 'meeting.booked', { ...data, lead: { ...data.lead, 'x\u0000': 1 } }),
    );
    expect(inKey).toMatchObject({
      status: 422,
      code: 'invalid_event_data',
      errors: [{ path: 'data.lead["x\\u0000"]' }],
    });

    const surrogate = await refused(() =>
      t.publish(key, 'meeting.booked', { ...data, summary: `ok ${LONE_HIGH}` }),
    );
    expect(surrogate).toMatchObject({
      status: 422,
      code: 'invalid_event_data',
      errors: [{ path: 'data.summary' }],
    });
  });

  it('text that can be stored round-trips exactly: 4-byte emoji, RTL overrides, latin-1 in keys', async () => {
    const name = '👩‍👩‍👧‍👦 \u202eAcme\u202c 𝄞 ÿ';
    const created = await t.call('POST', '/v1/accounts', ADMIN_TOKEN, { name });
    expect(created.status).toBe(201);
    const read = await t.call('GET', '/v1/account', (created.body as { api_key: string }).api_key);
    expect((read.body as { name: string }).name).toBe(name);

    const data = { ...(sampleData('meeting.booked') as object), summary: name, [name]: name, bom: '\ufeffx' };
    const published = await t.publish(key, 'meeting.booked', data);
    expect(published.status).toBe(202);
    const event = await t.call('GET', `/v1/events/${(published.body as { id: string }).id}`, key);
    expect((event.body as { data: unknown }).data).toEqual(data);
  });
});
