import { readFileSync } from 'node:fs';
import { formatDuration, generateSecret, parseDuration, parseDurationList } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, ConfigError, loadConfig } from '../src/config/config.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const secret = generateSecret();

/** What loadConfig reports for `env`; none when it loads. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('configuration', () => {
  it('has a default for everything but the secrets', () => {
    const config = loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: secret });
    expect(config).toMatchObject({
      port: 3000,
      path: '/webhooks/bookflow',
      secrets: [secret],
      store: 'postgres',
      databaseUrl: undefined,
      dataDir: './.bookflow-receiver',
      toleranceMs: 300_000,
      acceptBookFlowSignature: false,
      dedupeTtlMs: 7 * 24 * 3600 * 1000,
      retryScheduleMs: [5000, 30_000, 120_000, 600_000, 3_600_000],
      worker: true,
      leaseMs: 60_000,
      pagerDutyUrl: 'https://events.pagerduty.com/v2/enqueue',
    });
  });

  it('reads several secrets, durations and switches from the environment', () => {
    const other = generateSecret();
    const config = loadConfig({
      BOOKFLOW_WEBHOOK_SECRETS: ` ${secret} , ${other},`,
      PORT: '8080',
      BOOKFLOW_RECEIVER_STORE: 'redis',
      REDIS_URL: 'redis://127.0.0.1:6379',
      BOOKFLOW_RECEIVER_TOLERANCE: '90s',
      BOOKFLOW_RECEIVER_DEDUPE_TTL: '3d',
      BOOKFLOW_RECEIVER_RETRY_SCHEDULE: '100ms, 1s',
      BOOKFLOW_RECEIVER_ACCEPT_BOOKFLOW_SIGNATURE: 'true',
      BOOKFLOW_RECEIVER_WORKER: 'false',
    });
    expect(config).toMatchObject({
      secrets: [secret, other],
      port: 8080,
      store: 'redis',
      toleranceMs: 90_000,
      dedupeTtlMs: 3 * 24 * 3600 * 1000,
      retryScheduleMs: [100, 1000],
      acceptBookFlowSignature: true,
      worker: false,
    });
  });

  it('refuses to start without secrets, and reports every problem at once without echoing secrets', () => {
    expect(() => loadConfig({})).toThrow(/BOOKFLOW_WEBHOOK_SECRETS is not set/);
    const leaked = 'whsec_not-base64!!';
    try {
      loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: leaked, PORT: 'eighty', BOOKFLOW_RECEIVER_STORE: 'redis' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/BOOKFLOW_WEBHOOK_SECRETS 1 of 1 secret/);
      expect(problems.join('\n')).toMatch(/PORT must be an integer/);
      expect(problems.join('\n')).toMatch(/REDIS_URL is required/);
      expect((error as Error).message).not.toContain(leaked);
    }
  });

  it('makes the secrets optional for the dead-letter commands only', () => {
    expect(loadConfig({}, { secretsOptional: true }).secrets).toEqual([]);
    expect(loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: secret }, { secretsOptional: true }).secrets).toEqual([
      secret,
    ]);
    expect(() => loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: 'whsec_bad!' }, { secretsOptional: true })).toThrow(
      ConfigError,
    );
  });

  it('reads the volume check settings, with defaults, and refuses settings that contradict each other', () => {
    expect(loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: secret })).toMatchObject({
      volumeCheck: true,
      volumeCheckDelayMs: 120_000,
      volumeWeeks: 5,
      volumeMinWeeks: 3,
      volumeDropBelow: 0.3,
      volumeRecoverAt: 0.6,
      volumeMinExpected: 20,
    });
    const config = loadConfig({
      BOOKFLOW_WEBHOOK_SECRETS: secret,
      BOOKFLOW_RECEIVER_VOLUME_CHECK: 'off',
      BOOKFLOW_RECEIVER_VOLUME_CHECK_DELAY: '5m',
      BOOKFLOW_RECEIVER_VOLUME_WEEKS: '4',
      BOOKFLOW_RECEIVER_VOLUME_MIN_WEEKS: '4',
      BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW: '0.25',
      BOOKFLOW_RECEIVER_VOLUME_RECOVER_AT: '0.25',
      BOOKFLOW_RECEIVER_VOLUME_MIN_EXPECTED: '100',
    });
    expect(config).toMatchObject({
      volumeCheck: false,
      volumeCheckDelayMs: 300_000,
      volumeWeeks: 4,
      volumeMinWeeks: 4,
      volumeDropBelow: 0.25,
      volumeRecoverAt: 0.25,
      volumeMinExpected: 100,
    });
    expect(
      problemsOf({
        BOOKFLOW_WEBHOOK_SECRETS: secret,
        BOOKFLOW_RECEIVER_VOLUME_CHECK_DELAY: '1h',
        BOOKFLOW_RECEIVER_VOLUME_WEEKS: '2',
        BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW: '30%',
        BOOKFLOW_RECEIVER_VOLUME_RECOVER_AT: '0.1',
      }),
    ).toEqual([
      'BOOKFLOW_RECEIVER_VOLUME_CHECK_DELAY must be under 1h',
      'BOOKFLOW_RECEIVER_VOLUME_MIN_WEEKS must be an integer from 1 to BOOKFLOW_RECEIVER_VOLUME_WEEKS (2)',
      'BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW must be a fraction above 0 and at most 1, e.g. 0.3',
      'BOOKFLOW_RECEIVER_VOLUME_RECOVER_AT must be at least BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW (0.3)',
    ]);
  });

  it('checks the route and the drop fraction beyond their plain parsers, and trims the routing key', () => {
    const config = loadConfig({
      BOOKFLOW_WEBHOOK_SECRETS: secret,
      BOOKFLOW_RECEIVER_PATH: ' /hooks ',
      BOOKFLOW_RECEIVER_PAGERDUTY_ROUTING_KEY: ' abc123 ',
    });
    expect(config).toMatchObject({ path: '/hooks', pagerDutyRoutingKey: 'abc123' });
    expect(loadConfig({ BOOKFLOW_WEBHOOK_SECRETS: secret }).pagerDutyRoutingKey).toBeUndefined();
    expect(
      problemsOf({
        BOOKFLOW_WEBHOOK_SECRETS: secret,
        BOOKFLOW_RECEIVER_PATH: 'hooks',
        BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW: '1',
        BOOKFLOW_RECEIVER_VOLUME_RECOVER_AT: '1',
      }),
    ).toEqual([
      'BOOKFLOW_RECEIVER_PATH must start with /',
      'BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW must be below 1',
    ]);
  });

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(() => parseDuration('250')).toThrow(/"250" has no unit/);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(parseDurationList('')).toEqual([]);
  });

  it('formats durations in the largest exact unit, as parseDuration reads them back', () => {
    expect([0, 1500, 90_000, 120_000, 3_600_000, 7 * 86_400_000].map(formatDuration)).toEqual([
      '0d',
      '1500ms',
      '90s',
      '2m',
      '1h',
      '7d',
    ]);
    for (const ms of [1, 999, 61_000, 5_400_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });
});

/** A README table row starting with these cells; biome pads the cells, so spacing is free. */
function row(...cells: string[]): RegExp {
  const escaped = cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^\\|\\s*${escaped.join('\\s*\\|\\s*')}\\s*\\|`, 'm');
}

describe('the README', () => {
  it('documents every environment variable of the reference consumer', () => {
    for (const field of Object.values(CONFIG_FIELDS)) {
      expect(README, `README is missing ${field.env}`).toMatch(row(`\`${field.env}\``, field.defaultText));
    }
  });
});
