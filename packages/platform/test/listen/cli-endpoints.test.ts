import { catalogue } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAttemptResult } from '../../src/listen/reported-result.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

const EXAMPLE: unknown = catalogue['meeting.booked'].example;

describe('reported answers become the attempt the worker would record', () => {
  const base = { delivery_id: 'd', attempt: 1, duration_ms: 12.4 };
  it('2xx succeeds; 3xx fails as a redirect; other statuses fail; no answer fails with its reason', () => {
    expect(toAttemptResult({ ...base, status_code: 204 }, 16)).toMatchObject({
      ok: true,
      statusCode: 204,
      durationMs: 12,
    });
    expect(toAttemptResult({ ...base, status_code: 302 }, 16)).toMatchObject({
      ok: false,
      error: { kind: 'redirect' },
    });
    expect(toAttemptResult({ ...base, status_code: 500 }, 16)).toMatchObject({
      ok: false,
      error: { kind: 'http_status' },
    });
    expect(
      toAttemptResult(
        { ...base, status_code: null, error: { kind: 'connection_refused', message: 'refused' } },
        16,
      ),
    ).toMatchObject({
      ok: false,
      statusCode: null,
      responseBody: null,
      error: { kind: 'connection_refused' },
    });
  });
  it('keeps the body as the sender would: cut at the limit, bytes that are not text escaped, Retry-After on 429', () => {
    const long = toAttemptResult(
      { ...base, status_code: 200, response_body_base64: Buffer.from('x'.repeat(40)).toString('base64') },
      16,
    );
    expect(long).toMatchObject({
      responseBody: 'x'.repeat(16),
      responseTruncated: true,
      responseBodyEncoding: 'utf8',
    });
    const binary = toAttemptResult(
      { ...base, status_code: 200, response_body_base64: Buffer.from([0, 255]).toString('base64') },
      16,
    );
    expect(binary).toMatchObject({ responseBody: '\\x00\\xff', responseBodyEncoding: 'escaped' });
    expect(toAttemptResult({ ...base, status_code: 429, retry_after: '120' }, 16)).toMatchObject({
      retryAfterSeconds: 120,
    });
  });
});

describe.each(BACKENDS)('listen endpoints (kind cli) on %s', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
    key = (await t.createAccount()).api_key;
  });
  afterAll(async () => {
    await t?.platform.stop();
    await database?.close();
  });

  it('the worker never claims their deliveries; they wait for a CLI, and end dead when the endpoint expires', async () => {
    const created = await t.call('POST', '/v1/listen', key, {
      forward_to: 'http://127.0.0.1:9/never-posted-by-the-worker',
      event_types: ['meeting.booked'],
    });
    expect(created.status).toBe(201);
    const endpoint = created.body as { id: string; kind: string; secret: string; expires_at: string };
    expect(endpoint).toMatchObject({ kind: 'cli', secret: expect.stringMatching(/^whsec_/) });
    const published = await t.publish(key, 'meeting.booked', EXAMPLE);
    expect(published.status).toBe(202);
    // Many polling intervals of the worker (100 ms in tests).
    await new Promise((r) => setTimeout(r, 1_500));
    const { rows } = await database.db.query<{ status: string; attempt_count: number }>(
      'select status, attempt_count from deliveries where endpoint_id = $1',
      [endpoint.id],
    );
    expect(rows).toEqual([{ status: 'pending', attempt_count: 0 }]);

    await database.db.query(`update endpoints set expires_at = now() - interval '1 second' where id = $1`, [
      endpoint.id,
    ]);
    // Creating another listen endpoint sweeps the expired ones first.
    expect((await t.call('POST', '/v1/listen', key, { forward_to: 'http://127.0.0.1:9/x' })).status).toBe(
      201,
    );
    const after = await database.db.query<{ status: string; dead_reason: string }>(
      'select status, dead_reason from deliveries where endpoint_id = $1',
      [endpoint.id],
    );
    expect(after.rows).toEqual([{ status: 'dead', dead_reason: 'endpoint_deleted' }]);
    expect((await t.call('GET', `/v1/endpoints/${endpoint.id}`, key)).status).toBe(404);
  });

  it("another account's listen endpoint answers 404 like an unknown one, for the stream and for results", async () => {
    const mine = (await t.call('POST', '/v1/listen', key, { forward_to: 'http://127.0.0.1:9/x' })).body as {
      id: string;
    };
    const other = (await t.createAccount()).api_key;
    for (const id of [mine.id, 'ep_unknown']) {
      const stream = await t.call('GET', `/v1/listen/${id}/stream`, other);
      expect(stream.status).toBe(404);
      const result = await t.call('POST', `/v1/listen/${id}/results`, other, {
        delivery_id: '0b9a6f5e-41c2-4d1e-9a7b-3c5d2e1f0a98',
        attempt: 1,
        status_code: 200,
        duration_ms: 1,
      });
      expect(result.status).toBe(404);
    }
    const bad = await t.call('POST', `/v1/listen/${mine.id}/results`, key, {
      delivery_id: 'x',
      attempt: 0,
      status_code: 99,
      duration_ms: -1,
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });
});
