import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE_MS } from '../../src/config/retry-schedule.ts';
import {
  decideAfterFailure,
  MAX_RETRY_AFTER_MS,
  type RetryDecision,
} from '../../src/delivery/retry-policy/index.ts';

const now = new Date('2026-04-10T12:00:00.000Z');
const HOUR = 3_600_000;

function fail(attempt: number, extra: Partial<Parameters<typeof decideAfterFailure>[0]> = {}): RetryDecision {
  return decideAfterFailure({
    attempt,
    schedule: DEFAULT_SCHEDULE_MS,
    statusCode: 500,
    retryAfterSeconds: null,
    now,
    ...extra,
  });
}

describe('decideAfterFailure', () => {
  it('walks the default schedule: 7 attempts, each retry counted from the failure before it, then dead letter', () => {
    const delays: number[] = [];
    let clock = now;
    let attempt = 1;
    for (;;) {
      const decision = decideAfterFailure({
        attempt,
        schedule: DEFAULT_SCHEDULE_MS,
        statusCode: null,
        retryAfterSeconds: null,
        now: clock,
      });
      if (decision.action !== 'retry') {
        expect(decision).toEqual({ action: 'dead_letter' });
        break;
      }
      expect(decision.nextAttemptAt.getTime() - clock.getTime()).toBe(decision.delayMs);
      delays.push(decision.delayMs);
      clock = decision.nextAttemptAt;
      attempt += 1;
    }
    expect(attempt).toBe(7);
    expect(delays).toEqual([30_000, 120_000, 600_000, HOUR, 6 * HOUR, 24 * HOUR]);
    expect(clock.toISOString()).toBe('2026-04-11T19:12:30.000Z');
  });

  it('dead-letters any attempt past the end of the schedule', () => {
    expect(fail(8)).toEqual({ action: 'dead_letter' });
  });

  it('follows a custom schedule', () => {
    const schedule = [100, 200];
    expect(fail(1, { schedule })).toMatchObject({ action: 'retry', delayMs: 100 });
    expect(fail(2, { schedule })).toMatchObject({ action: 'retry', delayMs: 200 });
    expect(fail(3, { schedule })).toEqual({ action: 'dead_letter' });
  });

  it('dead-letters at once with an empty schedule', () => {
    expect(fail(1, { schedule: [] })).toEqual({ action: 'dead_letter' });
  });

  it.each([429, 503])('waits for a %i Retry-After longer than the schedule', (statusCode) => {
    const decision = fail(1, { statusCode, retryAfterSeconds: 120 });
    expect(decision).toEqual({
      action: 'retry',
      delayMs: 120_000,
      nextAttemptAt: new Date(now.getTime() + 120_000),
    });
  });

  it('keeps the schedule when Retry-After is shorter', () => {
    expect(fail(3, { statusCode: 429, retryAfterSeconds: 5 })).toMatchObject({ delayMs: 600_000 });
    expect(fail(1, { statusCode: 503, retryAfterSeconds: 0 })).toMatchObject({ delayMs: 30_000 });
  });

  it('caps Retry-After at 24 hours', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(24 * HOUR);
    expect(fail(1, { statusCode: 429, retryAfterSeconds: 7 * 24 * 3600 })).toMatchObject({
      delayMs: MAX_RETRY_AFTER_MS,
    });
    expect(fail(1, { statusCode: 429, retryAfterSeconds: Number.POSITIVE_INFINITY })).toMatchObject({
      delayMs: MAX_RETRY_AFTER_MS,
    });
  });

  it('does not cap an operator schedule entry longer than a day', () => {
    const schedule = [48 * HOUR];
    expect(fail(1, { schedule, statusCode: 429, retryAfterSeconds: 60 })).toMatchObject({
      delayMs: 48 * HOUR,
    });
  });

  it('ignores Retry-After on other statuses and when it is NaN', () => {
    expect(fail(1, { statusCode: 500, retryAfterSeconds: 3600 })).toMatchObject({ delayMs: 30_000 });
    expect(fail(1, { statusCode: null, retryAfterSeconds: 3600 })).toMatchObject({ delayMs: 30_000 });
    expect(fail(1, { statusCode: 429, retryAfterSeconds: Number.NaN })).toMatchObject({ delayMs: 30_000 });
  });

  it('still dead-letters the last attempt even when Retry-After asks for more time', () => {
    expect(fail(7, { statusCode: 429, retryAfterSeconds: 60 })).toEqual({ action: 'dead_letter' });
  });

  it('disables the endpoint on 410 Gone, even on the last attempt', () => {
    expect(fail(1, { statusCode: 410 })).toEqual({ action: 'disable_endpoint' });
    expect(fail(7, { statusCode: 410 })).toEqual({ action: 'disable_endpoint' });
  });

  it('rejects a non-positive or fractional attempt number', () => {
    expect(() => fail(0)).toThrow(RangeError);
    expect(() => fail(1.5)).toThrow(RangeError);
  });
});
