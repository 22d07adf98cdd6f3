import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, legacyRequestHash } from '../../src/events/request-hash.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { testPlatform } from '../support/platform.ts';

/** The same object with its keys in reverse order, at every depth. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, and equals JSON.parse of itself', () => {
    const value = { b: [{ z: 1, a: null }, 'x'], a: { d: true, c: -0.5e-7 }, é: '\u202e🙂' };
    const text = canonicalJson(value);
    expect(text).toBe('{"a":{"c":-5e-8,"d":true},"b":[{"a":null,"z":1},"x"],"é":"\u202e🙂"}');
    expect(JSON.parse(text)).toEqual(value);
    expect(canonicalJson(reversed(value))).toBe(text);
    expect(canonicalJson({ b: [1, 2] })).not.toBe(canonicalJson({ b: [2, 1] }));
  });

  it('does not overflow the stack on deep values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = i % 2 ? [deep] : { k: deep };
    // JSON.stringify itself overflows here, so the length is counted: {"k":…} is 6, […] is 2.
    const text = canonicalJson(deep);
    expect(text).toHaveLength(1 + 25_000 * 6 + 25_000 * 2);
    expect(text.startsWith('[{"k":[{"k":')).toBe(true);
  });
});

describe.each(BACKENDS)('Idempotency-Key (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'] });
    await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.platform.api!.server.address() as AddressInfo).port}`;
    key = (await t.createAccount()).api_key;
    await t.createEndpoint(key, 'https://example.com/hook', ['meeting.booked']);
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('the same data with its keys in another order is the same request', async () => {
    const data = sampleData('meeting.booked', { seed: 7 });
    const headers = { 'idempotency-key': 'reordered' };
    const first = await t.publish(key, 'meeting.booked', data, headers);
    expect(first.status).toBe(202);
    const again = await t.publish(key, 'meeting.booked', reversed(data), headers);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const changed = { ...(reversed(data) as object), summary: 'another summary' };
    const reused = await t.publish(key, 'meeting.booked', changed, headers);
    expect(reused.status).toBe(422);
    expect((reused.body as { code: string }).code).toBe('idempotency_key_reused');
  });

  it('a key first used before canonical comparison still gets its first answer', async () => {
    const data = sampleData('meeting.booked', { seed: 8 });
    const headers = { 'idempotency-key': 'from-before-the-upgrade' };
    const first = await t.publish(key, 'meeting.booked', data, headers);
    // What the previous version stored: the hash of the data in the order it arrived.
    await database.db.query('update events set request_hash = $1 where id = $2', [
      legacyRequestHash('meeting.booked', data),
      (first.body as { id: string }).id,
    ]);
    const retry = await t.publish(key, 'meeting.booked', data, headers);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    const other = await t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: 9 }), headers);
    expect((other.body as { code: string }).code).toBe('idempotency_key_reused');
  });

  async function post(headers: Record<string, string | string[]>) {
    const body = JSON.stringify({ type: 'meeting.booked', data: sampleData('meeting.booked', { seed: 10 }) });
    return new Promise<{ status: number; type: string; body: Record<string, unknown> }>((resolve, reject) => {
      const req = request(
        `${baseUrl}/v1/events`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type']),
              body: JSON.parse(text),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('two Idempotency-Key headers → 400 duplicate_header over real HTTP, nothing written', async () => {
    const before = await fingerprint(database.db);
    const res = await post({ 'idempotency-key': ['first', 'second'] });
    expect(res).toMatchObject({ status: 400, body: { code: 'duplicate_header' } });
    expect(res.type).toContain('application/problem+json');
    expect(await fingerprint(database.db)).toEqual(before);
  });

  it('one header whose value has a comma is one key, not two', async () => {
    const res = await post({ 'idempotency-key': 'first, second' });
    expect(res.status).toBe(202);
    const { rows } = await database.db.query('select 1 from events where idempotency_key = $1', [
      'first, second',
    ]);
    expect(rows).toHaveLength(1);
  });
});
