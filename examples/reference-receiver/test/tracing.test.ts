import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpSink } from '../../../packages/platform/test/support/otlp-sink.ts';
import { delivery, SECRET } from '../../../packages/receiver/test/helpers/deliveries.ts';
import { startReference, until } from './helpers/reference-process.ts';

// `npm run receiver` with OTEL_EXPORTER_OTLP_ENDPOINT set: a delivery carrying a traceparent is
// traced through the kit's request path and its handler, and exported over OTLP/HTTP.

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SENDER_SPAN = 'b7ad6b7169203331';

describe('reference consumer with traces on', { timeout: 120_000 }, () => {
  let sink: Awaited<ReturnType<typeof startOtlpSink>>;
  beforeAll(async () => {
    sink = await startOtlpSink();
  });
  afterAll(() => sink.close());

  it('exports the receive and handle spans in the sender’s trace; log lines carry trace_id', async () => {
    const ref = startReference({
      BOOKFLOW_WEBHOOK_SECRETS: SECRET,
      BOOKFLOW_RECEIVER_STORE: 'memory',
      PORT: '0',
      HOST: '127.0.0.1',
      BOOKFLOW_RECEIVER_POLL_INTERVAL: '50ms',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    });
    try {
      const listening = await until(() => ref.logs.find((l) => l.msg === 'receiver listening'));
      const booked = delivery('meeting.booked');
      const response = await request(`${String(listening.address)}/webhooks/bookflow`, {
        method: 'POST',
        headers: { ...booked.headers, traceparent: `00-${TRACE}-${SENDER_SPAN}-01` },
        body: booked.body,
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      const handled = await until(() => ref.logs.find((l) => l.msg === 'meeting booked'));
      expect(handled.trace_id).toBe(TRACE);
    } finally {
      // The SDK's shutdown exports what is left before the process exits.
      ref.child.kill('SIGTERM');
      expect(await ref.exited).toBe(0);
    }
    const spans = sink.spans.filter((s) => s.traceId === TRACE);
    const byName = (name: string) => spans.find((s) => s.name === name);
    expect(spans.every((s) => s.service === 'bookflow-receiver')).toBe(true);
    // @fastify/otel joined the sender's traceparent; the kit's spans hang below it.
    const request_ = spans.find((s) => s.parentSpanId === SENDER_SPAN);
    expect(request_?.name).toBe('request');
    expect(byName('webhook receive')).toBeDefined();
    expect(byName('webhook verify')).toBeDefined();
    expect(byName('webhook dedupe and enqueue')).toBeDefined();
    expect(byName('webhook handle')?.parentSpanId).toBe(byName('webhook receive')?.spanId);
  });
});
