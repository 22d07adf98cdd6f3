import { Writable } from 'node:stream';
import { sampleData } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import { type Platform, startTracing, type Tracing } from '@bookflow/platform';
import { createReceiver, type Receiver } from '@bookflow/receiver';
import { bookflowFastify } from '@bookflow/receiver/fastify';
import { openPGlite } from '@bookflow/receiver/pglite';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, startPlatform } from '../../receiver/test/helpers/platform.ts';
import { storeHarnesses } from '../../receiver/test/helpers/stores.ts';
import { waitFor } from '../../receiver/test/helpers/wait.ts';
import { connectorsHandler } from '../src/connector.ts';
import { hubspotClient } from '../src/crm/hubspot/hubspot-api.ts';
import { HubSpotConnector } from '../src/crm/hubspot/hubspot-connector.ts';
import { CrmObjects } from '../src/crm/mappings/crm-objects.ts';
import { HubSpotFake } from './support/hubspot-fake.ts';

// The voice agent's publish → the platform → the receiver kit (verify, dedupe and enqueue; the
// handler later, in its worker) → the HubSpot connector: one trace, with every store.

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;
let platform: Platform;
let hubspot: HubSpotFake;
let crmDb: Db;

beforeAll(async () => {
  tracing = startTracing({
    endpoint: null,
    serviceName: 'bookflow-test',
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  platform = await startPlatform();
  hubspot = await new HubSpotFake().start();
  crmDb = await openPGlite();
});
afterAll(async () => {
  await platform?.stop();
  await platform?.db.close();
  await hubspot?.close();
  await crmDb?.close();
  await tracing?.stop();
});

function ancestors(span: ReadableSpan, all: ReadableSpan[]): ReadableSpan[] {
  const parent = all.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
  return parent ? [parent, ...ancestors(parent, all)] : [];
}

let traces = 0;
for (const harness of storeHarnesses().filter((h) => !h.skip)) {
  describe(`one trace through the receiver kit and a connector (${harness.name} store)`, () => {
    let receiver: Receiver;
    let app: FastifyInstance;
    beforeAll(() => harness.setup());
    afterEach(async () => {
      await receiver?.stop();
      await app?.close();
      await harness.reset();
      hubspot.reset();
    });
    afterAll(() => harness.teardown());

    it('verify → dedupe and enqueue → handler → HubSpot share the publisher’s trace id', async () => {
      const traceId = `4bf92f3577b34da6a3ce929d0e0e47${String(++traces).padStart(2, '0')}`;
      const { api_key: key } = await call(platform, 'POST', '/v1/accounts', ADMIN, { name: 'Acme' });
      const endpoint = await call(platform, 'POST', '/v1/endpoints', key as string, {
        url: 'http://127.0.0.1:9/placeholder',
        event_types: ['meeting.booked'],
      });
      const lines: Array<Record<string, unknown>> = [];
      const logs = new Writable({
        write(chunk, _enc, done) {
          for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
          done();
        },
      });
      receiver = createReceiver({
        store: await harness.create(),
        secrets: [endpoint.secret as string],
        worker: { pollIntervalMs: 20 },
        logger: pino({ level: 'debug' }, logs),
      });
      receiver.onAny(
        connectorsHandler([
          new HubSpotConnector({
            client: hubspotClient({ accessToken: hubspot.token, basePath: hubspot.url }),
            objects: await CrmObjects.open(crmDb, 'hubspot'),
          }),
        ]),
      );
      await receiver.start();
      app = Fastify();
      await app.register(bookflowFastify, { receiver });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      await call(platform, 'PATCH', `/v1/endpoints/${endpoint.id}`, key as string, {
        url: `${base}/webhooks/bookflow`,
      });

      const response = await platform.api!.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        payload: { type: 'meeting.booked', data: sampleData('meeting.booked', { seed: traces }) },
      });
      expect(response.statusCode).toBe(202);

      const all = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const named = (name: string) => all().find((s) => s.name === name);
      const connector = await waitFor(() => named('connector hubspot'), {
        timeoutMs: 20_000,
        what: 'the connector span',
      });
      await waitFor(() => named('webhook handle'), { timeoutMs: 20_000, what: 'the handler span' });
      const [receive, verify, enqueue, handle, attempt] = [
        'webhook receive',
        'webhook verify',
        'webhook dedupe and enqueue',
        'webhook handle',
        'delivery attempt',
      ].map((name) => named(name)!);
      expect(hubspot.list('meetings')).toHaveLength(1);
      expect(ancestors(verify!, all())).toContain(receive);
      expect(ancestors(enqueue!, all())).toContain(receive);
      // The handler ran later, in the worker: its parent came back from the store with the job.
      expect(handle!.parentSpanContext?.spanId).toBe(receive!.spanContext().spanId);
      expect(connector.parentSpanContext?.spanId).toBe(handle!.spanContext().spanId);
      // The receiver's side hangs under the platform's attempt (its traceparent header).
      expect(ancestors(receive!, all())).toContain(attempt);
      expect(lines.find((l) => l.msg === 'event processed' && l.trace_id === traceId)?.span_id).toBe(
        handle!.spanContext().spanId,
      );
    });
  });
}
