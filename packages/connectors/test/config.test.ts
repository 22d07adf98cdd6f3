import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_FIELDS, ConnectorsConfigError, loadConnectorsConfig } from '../src/config.ts';
import { decideAfterCallFailure, retryAfterSeconds } from '../src/crm/retry/decide.ts';

describe('connectors configuration', () => {
  it('is off by default', () => {
    const config = loadConnectorsConfig({});
    expect(config).toMatchObject({
      warehouse: 'none',
      hubspotAccessToken: undefined,
      salesforceClientId: undefined,
      batchSize: 500,
      flushIntervalMs: 1000,
    });
  });

  it('reports every problem at once, saying what to set', () => {
    try {
      loadConnectorsConfig({
        BOOKFLOW_WAREHOUSE: 'postgres',
        BOOKFLOW_WAREHOUSE_BATCH_SIZE: '0',
        BOOKFLOW_SALESFORCE_CLIENT_ID: 'x',
        BOOKFLOW_HUBSPOT_BASE_PATH: 'ftp://x',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectorsConfigError);
      expect((error as ConnectorsConfigError).problems).toEqual([
        'BOOKFLOW_WAREHOUSE_URL is required when BOOKFLOW_WAREHOUSE=postgres',
        'BOOKFLOW_WAREHOUSE_BATCH_SIZE must be an integer from 1 to 100000',
        'BOOKFLOW_HUBSPOT_BASE_PATH must be a https: or http: URL',
        'BOOKFLOW_SALESFORCE_USERNAME is required with BOOKFLOW_SALESFORCE_CLIENT_ID',
      ]);
    }
  });

  it('matches the README table, row for row', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Wiring into your GTM stack'));
    for (const field of Object.values(CONNECTOR_FIELDS)) {
      expect(section).toContain(`| \`${field.env}\` |`);
      expect(section).toContain(field.description);
    }
  });
});

describe('CRM call retry policy', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxWaitMs: 5_000 };
  it('waits what Retry-After says, backs off on 5xx, and gives up on other 4xx at once', () => {
    expect(decideAfterCallFailure(policy, 0, { status: 429, retryAfterSeconds: 2, message: 'm' })).toEqual({
      action: 'retry',
      delayMs: 2_000,
    });
    expect(
      decideAfterCallFailure(policy, 0, { status: 429, retryAfterSeconds: null, message: 'm' }),
    ).toMatchObject({ action: 'give_up', retryable: true });
    expect(
      decideAfterCallFailure(policy, 0, { status: 429, retryAfterSeconds: 60, message: 'm' }),
    ).toMatchObject({ action: 'give_up', retryable: true });
    expect(decideAfterCallFailure(policy, 2, { status: 503, retryAfterSeconds: null, message: 'm' })).toEqual(
      { action: 'retry', delayMs: 400 },
    );
    expect(
      decideAfterCallFailure(policy, 3, { status: 503, retryAfterSeconds: null, message: 'm' }),
    ).toMatchObject({ action: 'give_up', retryable: true });
    expect(
      decideAfterCallFailure(policy, 0, { status: null, retryAfterSeconds: null, message: 'm' }),
    ).toEqual({ action: 'retry', delayMs: 100 });
    expect(
      decideAfterCallFailure(policy, 0, { status: 400, retryAfterSeconds: null, message: 'bad' }),
    ).toEqual({ action: 'give_up', retryable: false, message: 'bad' });
    expect(
      decideAfterCallFailure(policy, 0, { status: 404, retryAfterSeconds: null, message: 'gone' }),
    ).toMatchObject({ retryable: false });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeNull();
    expect(retryAfterSeconds(undefined, now)).toBeNull();
  });
});
