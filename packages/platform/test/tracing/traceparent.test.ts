import { Writable } from 'node:stream';
import { sampleData, verifyStandard } from '@bookflow/events';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../../src/app.ts';
import { testConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startTracing, type Tracing } from '../../src/tracing/sdk.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, client, eventually, TEST_MASTER_KEY_HEX, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

// One trace follows an event: the caller's traceparent → the API request → the publish commit →
// the claim and the attempt (worker) → the traceparent header the receiver gets.

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` };
const backend = BACKENDS.at(-1)!;

function parse(traceparent: unknown) {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(traceparent));
  if (!match) throw new Error(`not a W3C traceparent: ${String(traceparent)}`);
  return { traceId: match[1]!, parentId: match[2]! };
}

/** The spans above `span`, nearest first. */
function ancestors(span: ReadableSpan, all: ReadableSpan[]): ReadableSpan[] {
  const parent = all.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
  return parent ? [parent, ...ancestors(parent, all)] : [];
}

/** Signed as before: the header is outside the signed content. */
function verified(receiver: TestReceiver, index: number, secret: string) {
  const req = receiver.requests[index]!;
  const headers = req.headers as Record<string, string>;
  return verifyStandard({ headers, body: req.body, secrets: [secret] }).id;
}

describe(`traces (${backend})`, () => {
  let database: TestDatabase;
  let receiver: TestReceiver;
  let tracing: Tracing | null = null;
  const platforms: Platform[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const p of platforms) await p.stop();
    await tracing?.stop();
    await receiver.close();
    await database.close();
  });

  it('off (no OTEL_EXPORTER_OTLP_ENDPOINT): no traceparent is stored or sent', async () => {
    const { platform, createAccount, createEndpoint, publish } = await testPlatform(database.db);
    platforms.push(platform);
    const { api_key } = await createAccount();
    await createEndpoint(api_key, receiver.url);
    expect((await publish(api_key, 'meeting.booked', sampleData('meeting.booked'), CALLER)).status).toBe(202);
    await receiver.waitFor(1);
    expect(receiver.requests[0]!.headers.traceparent).toBeUndefined();
    const { rows } = await database.db.query<{ n: number }>(
      'select count(*)::int as n from events where traceparent is not null',
    );
    expect(rows[0]!.n).toBe(0);
    await platform.stop();
    platforms.pop();
  });

  describe('on', () => {
    const exporter = new InMemorySpanExporter();
    const lines: Record<string, unknown>[] = [];
    let platform: Platform;
    let api: ReturnType<typeof client>;

    beforeAll(async () => {
      // Started before the platform is created, as main.ts does, so Fastify is instrumented.
      tracing = startTracing({
        endpoint: null,
        serviceName: 'bookflow-test',
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      });
      const stream = new Writable({
        write(chunk, _enc, done) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      });
      const config = testConfig({
        adminToken: ADMIN_TOKEN,
        masterKey: Buffer.from(TEST_MASTER_KEY_HEX, 'hex'),
        allowPrivateDestinations: true,
        retryScheduleMs: [50, 50, 50],
        pollIntervalMs: 100,
      });
      const logger = createLogger('info', stream, { traceIds: true });
      platform = await createPlatform(config, { db: database.db, logger });
      platforms.push(platform);
      await platform.worker!.start();
      api = client(platform);
    });

    const spans = (traceId: string, name?: string): ReadableSpan[] =>
      exporter
        .getFinishedSpans()
        .filter((s) => s.spanContext().traceId === traceId && (!name || s.name === name));

    it('the caller’s trace reaches the receiver: same trace id, the attempt span as parent', async () => {
      const before = receiver.requests.length;
      const { api_key } = await api.createAccount();
      const endpoint = await api.createEndpoint(api_key, receiver.url);
      const published = await api.publish(api_key, 'meeting.booked', sampleData('meeting.booked'), CALLER);
      expect(published.status).toBe(202);
      const eventId = (published.body as { id: string }).id;
      await receiver.waitFor(before + 1);

      const sent = parse(receiver.requests[before]!.headers.traceparent);
      expect(sent.traceId).toBe(CALLER_TRACE);
      expect(sent.parentId).not.toBe(CALLER_SPAN);
      expect(verified(receiver, before, endpoint.secret)).toBe(eventId);

      const attempt = await eventually(async () => spans(CALLER_TRACE, 'delivery attempt')[0]);
      expect(attempt.spanContext().spanId).toBe(sent.parentId);
      expect(attempt.attributes).toMatchObject({
        'bookflow.endpoint.id': endpoint.id,
        'bookflow.event.id': eventId,
        'bookflow.attempt': 1,
        'http.response.status_code': 200,
      });
      const [publish] = spans(CALLER_TRACE, 'event publish');
      const [claim] = spans(CALLER_TRACE, 'delivery claim');
      expect(publish!.attributes['bookflow.event.id']).toBe(eventId);
      // The publish's context was stored with the event and read back at claim.
      expect(claim!.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
      expect(attempt.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
      // @fastify/otel joined the caller's traceparent: the request span is the caller's child.
      const request = spans(CALLER_TRACE).find((s) => s.parentSpanContext?.spanId === CALLER_SPAN);
      expect(request?.attributes['http.route']).toBe('/v1/events');
      expect(ancestors(publish!, spans(CALLER_TRACE))).toContain(request);
    });

    it('a failed attempt records its status and error kind; each attempt is its own span', async () => {
      const failing = await startReceiver((_req, index) => ({ status: index === 0 ? 503 : 200 }));
      try {
        const { api_key } = await api.createAccount();
        const endpoint = await api.createEndpoint(api_key, failing.url);
        const trace = '0af7651916cd43dd8448eb211c80319c';
        await api.publish(api_key, 'meeting.booked', sampleData('meeting.booked'), {
          traceparent: `00-${trace}-b7ad6b7169203331-01`,
        });
        await failing.waitFor(2);
        const attempts = await eventually(async () => {
          const found = spans(trace, 'delivery attempt');
          return found.length === 2 ? found : null;
        });
        const byNumber = attempts.sort(
          (a, b) => Number(a.attributes['bookflow.attempt']) - Number(b.attributes['bookflow.attempt']),
        );
        expect(byNumber.map((s) => s.attributes['http.response.status_code'])).toEqual([503, 200]);
        expect(byNumber[0]!.attributes['bookflow.error.kind']).toBe('http_status');
        expect(byNumber[0]!.attributes['bookflow.endpoint.id']).toBe(endpoint.id);
        const headers = failing.requests.map((r) => parse(r.headers.traceparent));
        expect(headers.map((h) => h.traceId)).toEqual([trace, trace]);
        expect(headers.map((h) => h.parentId)).toEqual(byNumber.map((s) => s.spanContext().spanId));
      } finally {
        await failing.close();
      }
    });

    it('replays and test events carry a traceparent too', async () => {
      const start = receiver.requests.length;
      const { api_key } = await api.createAccount();
      const endpoint = await api.createEndpoint(api_key, receiver.url);
      await api.publish(api_key, 'meeting.booked', sampleData('meeting.booked'), CALLER);
      await receiver.waitFor(start + 1);
      const listed = await api.call('GET', '/v1/deliveries', api_key);
      const delivery = (listed.body as { data: Array<{ id: string }> }).data[0]!;
      const replay = await api.call('POST', `/v1/deliveries/${delivery.id}/replay`, api_key);
      expect(replay.status).toBeLessThan(300);
      await receiver.waitFor(start + 2);
      // The replay is a new series of the same event: it continues the event's trace.
      expect(parse(receiver.requests[start + 1]!.headers.traceparent).traceId).toBe(CALLER_TRACE);

      const testTrace = 'a3ce929d0e0e47364bf92f3577b34da6';
      const sentTest = await api.call(
        'POST',
        `/v1/endpoints/${endpoint.id}/test`,
        api_key,
        { type: 'meeting.booked' },
        { traceparent: `00-${testTrace}-${CALLER_SPAN}-01` },
      );
      expect(sentTest.status).toBe(202);
      await receiver.waitFor(start + 3);
      expect(parse(receiver.requests[start + 2]!.headers.traceparent).traceId).toBe(testTrace);
    });

    it('log lines written inside a span carry its trace_id and span_id', async () => {
      const accepted = await eventually(async () =>
        lines.find((l) => l.msg === 'event accepted' && l.trace_id === CALLER_TRACE),
      );
      expect(accepted.span_id).toMatch(/^[0-9a-f]{16}$/);
      // Outside any span (start-up), no ids.
      expect(lines.find((l) => l.msg === 'delivery worker started')).not.toHaveProperty('trace_id');
    });
  });
});
