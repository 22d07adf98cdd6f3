import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs. Authorization headers, secrets and keys are redacted wherever they appear, as a
 * second line of defence: the code never logs them on purpose.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'bookflow-platform' },
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
