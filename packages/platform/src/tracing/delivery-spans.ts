import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AttemptResult } from '../delivery/http/attempt-result.ts';
import type { ClaimedDelivery } from '../delivery/queue/claimed-delivery.ts';
import { contextFrom, runInSpan, traceparentOf, tracer, tracingOn } from './trace-context.ts';

/**
 * One span per claimed delivery for the claim that leased it, in the trace of its event: one
 * statement leases deliveries of many events, so each gets the statement's start and end.
 */
export function traceClaims(jobs: readonly ClaimedDelivery[], startedAt: Date): void {
  if (!tracingOn() || jobs.length === 0) return;
  const endedAt = new Date();
  for (const job of jobs) {
    tracer
      .startSpan(
        'delivery claim',
        { startTime: startedAt, attributes: attributesOf(job, jobs.length) },
        contextFrom(job.traceparent),
      )
      .end(endedAt);
  }
}

/**
 * One attempt as a CLIENT span in its event's trace. `attempt` gets the `traceparent` header value
 * naming this span, sends, records, and returns what the receiver answered (null when the attempt
 * was not made); the span gets the status code and error kind.
 */
export function traceAttempt(
  job: ClaimedDelivery,
  attempt: (traceparent: string | null) => Promise<AttemptResult | null>,
): Promise<AttemptResult | null> {
  if (!tracingOn()) return attempt(null);
  const parent = contextFrom(job.traceparent);
  const span = tracer.startSpan(
    'delivery attempt',
    { kind: SpanKind.CLIENT, attributes: { ...attributesOf(job), 'http.request.method': 'POST' } },
    parent,
  );
  return context.with(trace.setSpan(parent, span), () =>
    runInSpan(span, async () => {
      const result = await attempt(traceparentOf(span));
      if (result) {
        if (result.statusCode !== null) span.setAttribute('http.response.status_code', result.statusCode);
        if (result.error) {
          span.setAttributes({ 'bookflow.error.kind': result.error.kind, 'error.type': result.error.kind });
          span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
        }
      }
      return result;
    }),
  );
}

function attributesOf(job: ClaimedDelivery, claimed?: number) {
  return {
    'bookflow.delivery.id': job.id,
    'bookflow.event.id': job.eventId,
    'bookflow.event.type': job.eventType,
    'bookflow.endpoint.id': job.endpointId,
    'bookflow.attempt': job.attempt,
    'bookflow.series': job.series,
    ...(claimed === undefined ? {} : { 'bookflow.claim.batch_size': claimed }),
  };
}
