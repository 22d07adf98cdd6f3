import { SpanStatusCode } from '@opentelemetry/api';
import type { PublishResult } from '../events/publish.ts';
import { runInSpan, traceparentOf, tracer, tracingOn } from './trace-context.ts';

/**
 * The publish commit as a span, child of the API request's span (which joined the caller's
 * traceparent). Its own traceparent is stored with the event, so the deliveries continue this
 * trace whichever worker claims them and however much later.
 */
export function tracePublish(
  type: string,
  publish: (traceparent: string | null) => Promise<PublishResult>,
): Promise<PublishResult> {
  if (!tracingOn()) return publish(null);
  return tracer.startActiveSpan('event publish', { attributes: { 'bookflow.event.type': type } }, (span) =>
    runInSpan(span, async () => {
      const result = await publish(traceparentOf(span));
      if (result.ok) {
        span.setAttributes({
          'bookflow.event.id': result.id,
          'bookflow.event.deliveries': result.deliveries,
          'bookflow.event.replayed': !result.created,
        });
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.reason });
      }
      return result;
    }),
  );
}
