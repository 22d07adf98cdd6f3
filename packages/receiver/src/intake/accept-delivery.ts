import type { HeaderSource } from '@bookflow/events';
import { WebhookVerificationError } from '@bookflow/events';
import { errorFields, type ReceiverLogger } from '../logging/logger.ts';
import type { ReceiverMetrics } from '../metrics/metrics.ts';
import type { ReceiverStore } from '../stores/store.ts';
import { activeTraceparent, traceDelivery, traceStep } from '../tracing/spans.ts';
import { type VerificationOptions, verifyDelivery } from '../verification/verify-delivery.ts';
import { headersOfInterest, parseEnvelope } from './parse-envelope.ts';
import { type AckResponse, ok, problem } from './problems.ts';

/** A delivery as any framework hands it over: headers and the raw, unparsed body. */
export interface DeliveryRequest {
  headers: HeaderSource;
  body: Uint8Array | string;
}

export interface IntakeDeps {
  store: ReceiverStore;
  verification: VerificationOptions;
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  clock: () => Date;
  /** Called after a job is enqueued, so the local worker starts on it without waiting for a poll. */
  onEnqueued: () => void;
}

/**
 * The whole request path: verify the raw bytes, parse tolerantly, dedupe+enqueue in one store
 * step, answer. Nothing else runs before the answer: handlers, CRMs and alerts all wait for the
 * worker. Every outcome of the delivery (a bad signature, a bad envelope, a store that is down)
 * is an HTTP answer. It throws only what is none of these, an unexpected error from verification,
 * which is rethrown rather than answered as a rejection: it is a bug to surface, not a sender's fault.
 */
export function acceptDelivery(deps: IntakeDeps, request: DeliveryRequest): Promise<AckResponse> {
  return traceDelivery(request.headers, () => accept(deps, request));
}

async function accept(deps: IntakeDeps, request: DeliveryRequest): Promise<AckResponse> {
  const started = performance.now();
  const finish = (response: AckResponse, outcome: string) => {
    deps.metrics.ackDuration.observe({ outcome }, (performance.now() - started) / 1000);
    return response;
  };

  try {
    traceStep('webhook verify', {}, () =>
      verifyDelivery(request.headers, request.body, { ...deps.verification, now: deps.clock }),
    );
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    deps.metrics.verificationFailures.inc({ reason: error.reason });
    deps.log.warn({ reason: error.reason, detail: error.message }, 'webhook rejected: verification failed');
    return finish(problem(error.reason, error.message), 'rejected');
  }

  const parsed = parseEnvelope(request.body, request.headers);
  if (!parsed.ok) {
    // Permanent: the sender signed these exact bytes, so every retry would be refused the same way.
    const { code, detail } = parsed.rejection;
    deps.metrics.invalidPayloads.inc();
    deps.log.warn({ code, detail }, 'webhook rejected: not a storable event envelope');
    return finish(problem(code, detail), 'rejected');
  }
  const envelope = parsed.envelope;

  try {
    const job = {
      eventId: envelope.id,
      eventType: envelope.type,
      schemaVersion: envelope.schemaVersion,
      body: envelope.body,
      headers: headersOfInterest(request.headers),
      receivedAt: deps.clock(),
      traceparent: activeTraceparent(),
    };
    // Dedupe and enqueue are one atomic store step, hence one span.
    const attributes = { 'bookflow.event.id': envelope.id, 'bookflow.event.type': envelope.type };
    const outcome = await traceStep('webhook dedupe and enqueue', attributes, () => deps.store.accept(job));
    const duplicate = outcome === 'duplicate';
    deps.metrics.recordReceived(envelope.type, duplicate);
    if (duplicate) {
      deps.log.debug({ event_id: envelope.id, event_type: envelope.type }, 'duplicate delivery acknowledged');
    } else {
      deps.onEnqueued();
    }
    return finish(ok({ id: envelope.id, status: duplicate ? 'duplicate' : 'accepted' }), outcome);
  } catch (error) {
    // 503 makes the sender retry later: the event is not lost, only delayed.
    deps.metrics.storeErrors.inc({ operation: 'accept' });
    deps.log.error({ event_id: envelope.id, err: errorFields(error) }, 'storing the event failed');
    return finish(problem('store_unavailable'), 'store_error');
  }
}
