import { parseDuration } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

/** Every variable that holds a duration; each must refuse a number without a unit. */
const DURATION_VARIABLES = [
  'BOOKFLOW_RETENTION',
  'BOOKFLOW_RETENTION_INTERVAL',
  'BOOKFLOW_ROTATION_OVERLAP',
  'BOOKFLOW_CONNECT_TIMEOUT',
  'BOOKFLOW_TIMEOUT',
  'BOOKFLOW_LEASE',
  'BOOKFLOW_POLL_INTERVAL',
  'BOOKFLOW_REAPER_INTERVAL',
  'BOOKFLOW_ENDPOINT_DISABLE_AFTER',
  'BOOKFLOW_RETRY_SCHEDULE',
];

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('durations in the configuration', () => {
  it('parses every unit and refuses numbers without one', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(' 30s ')).toBe(30_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(() => parseDuration('5')).toThrow(/"5" has no unit; write 5ms, 5s/);
    expect(() => parseDuration('1 h')).toThrow(/not a duration/);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it.each(DURATION_VARIABLES)('%s=5 stops the start with a message naming the variable', (name) => {
    const message = configError({ [name]: '5' });
    expect(message).toContain(name);
    expect(message).toContain('has no unit');
  });

  it('reads BOOKFLOW_RETRY_SCHEDULE=5s as five seconds', () => {
    expect(loadConfig({ BOOKFLOW_RETRY_SCHEDULE: '5s,5s' }).retryScheduleMs).toEqual([5_000, 5_000]);
  });
});

describe('tracing in the configuration', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT and reads it with OTEL_SERVICE_NAME', () => {
    expect(loadConfig({}).otlpEndpoint).toBeNull();
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: ' http://127.0.0.1:4318 ',
      OTEL_SERVICE_NAME: 'bookflow-eu',
    });
    expect(config.otlpEndpoint).toBe('http://127.0.0.1:4318');
    expect(config.otelServiceName).toBe('bookflow-eu');
    expect(loadConfig({}).otelServiceName).toBe('bookflow-platform');
  });

  it('refuses an endpoint that is not an http(s) URL, saying what to write', () => {
    for (const bad of ['127.0.0.1:4318', 'grpc://collector:4317', 'not a url']) {
      expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: bad })).toMatch(
        /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:4318/,
      );
    }
  });
});
