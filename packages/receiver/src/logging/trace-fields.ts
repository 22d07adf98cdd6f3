import { context, trace } from '@opentelemetry/api';
import { type ReceiverLogger, silentLogger } from './logger.ts';

/**
 * The application's logger, with `trace_id` and `span_id` added to each line written inside a
 * span (nothing added when no SDK is registered: there is never an active span then).
 */
export function withTraceIds(log: ReceiverLogger): ReceiverLogger {
  if (log === silentLogger) return log;
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object, msg?: string): void => {
      const span = trace.getSpan(context.active());
      if (!span) {
        log[level](obj, msg);
        return;
      }
      const { traceId, spanId } = span.spanContext();
      log[level]({ ...obj, trace_id: traceId, span_id: spanId }, msg);
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (bindings) => withTraceIds(log.child(bindings)),
  };
}
