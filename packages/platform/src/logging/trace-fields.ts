import { context, trace } from '@opentelemetry/api';

/**
 * A pino mixin: the active span's ids on every log line written inside it, so a log line leads to
 * its trace and back. Installed only when tracing is on (logger.ts), so it costs nothing off.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
