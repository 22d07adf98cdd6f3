import pino, { type DestinationStream, type Logger } from 'pino';
import { traceLogFields } from './trace-fields.ts';

export interface LoggerOptions {
  /** Adds trace_id and span_id to the lines written inside a span (when tracing is on). */
  traceIds?: boolean;
}

/**
 * JSON logs. Authorization headers, secrets and keys are redacted wherever they appear, as a
 * second line of defence: the code never logs them on purpose.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: LoggerOptions = {},
): Logger {
  return pino(
    {
      level,
      base: { service: 'bookflow-platform' },
      ...(options.traceIds ? { mixin: traceLogFields } : {}),
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.secret',
          'secret',
          '*.api_key',
          'api_key',
          '*.pagerduty_routing_key',
          '*.slack_webhook_url',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
