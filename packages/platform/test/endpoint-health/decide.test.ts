import { describe, expect, it } from 'vitest';
import { decideEndpointHealth, describeDuration } from '../../src/delivery/endpoint-health/index.ts';

const DAY = 86_400_000;
const FIVE_DAYS = 5 * DAY;
const t0 = new Date('2026-04-10T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('decideEndpointHealth', () => {
  const base = { enabled: true, disableAfterMs: FIVE_DAYS };

  it('a success ends any failure run', () => {
    expect(decideEndpointHealth({ ...base, succeeded: true, failingSince: null, now: t0 })).toEqual({
      action: 'recovered',
    });
    expect(decideEndpointHealth({ ...base, succeeded: true, failingSince: t0, now: at(10 * DAY) })).toEqual({
      action: 'recovered',
    });
  });

  it('the first failure after a success (or ever) starts the run', () => {
    expect(decideEndpointHealth({ ...base, succeeded: false, failingSince: null, now: t0 })).toEqual({
      action: 'start_failing',
    });
  });

  it('keeps failing until the period has passed, then disables', () => {
    const failing = (ms: number) =>
      decideEndpointHealth({ ...base, succeeded: false, failingSince: t0, now: at(ms) });
    expect(failing(0)).toEqual({ action: 'keep_failing', failingForMs: 0 });
    expect(failing(FIVE_DAYS - 1)).toEqual({ action: 'keep_failing', failingForMs: FIVE_DAYS - 1 });
    expect(failing(FIVE_DAYS)).toEqual({ action: 'disable', failingForMs: FIVE_DAYS });
    expect(failing(6 * DAY)).toEqual({ action: 'disable', failingForMs: 6 * DAY });
  });

  it('walks a whole lifecycle: fail, recover, fail again from scratch', () => {
    let failingSince: Date | null = null;
    const step = (succeeded: boolean, ms: number) => {
      const d = decideEndpointHealth({ ...base, succeeded, failingSince, now: at(ms) });
      if (d.action === 'start_failing') failingSince = at(ms);
      if (d.action === 'recovered') failingSince = null;
      return d.action;
    };
    expect(step(false, 0)).toBe('start_failing');
    expect(step(false, 4 * DAY)).toBe('keep_failing');
    expect(step(true, 4 * DAY + 1)).toBe('recovered');
    // The earlier four days no longer count.
    expect(step(false, 5 * DAY)).toBe('start_failing');
    expect(step(false, 9 * DAY)).toBe('keep_failing');
    expect(step(false, 10 * DAY)).toBe('disable');
  });

  it('never disables an endpoint that is already disabled', () => {
    expect(
      decideEndpointHealth({ ...base, enabled: false, succeeded: false, failingSince: t0, now: at(9 * DAY) }),
    ).toEqual({ action: 'keep_failing', failingForMs: 9 * DAY });
  });

  it('a period of 0 turns auto-disable off', () => {
    expect(
      decideEndpointHealth({
        ...base,
        disableAfterMs: 0,
        succeeded: false,
        failingSince: t0,
        now: at(99 * DAY),
      }),
    ).toEqual({ action: 'keep_failing', failingForMs: 99 * DAY });
  });

  it('a clock that steps back counts as no time failing', () => {
    expect(decideEndpointHealth({ ...base, succeeded: false, failingSince: t0, now: at(-5_000) })).toEqual({
      action: 'keep_failing',
      failingForMs: 0,
    });
  });

  it('refuses a negative or non-finite period', () => {
    const bad = (disableAfterMs: number) => () =>
      decideEndpointHealth({ ...base, disableAfterMs, succeeded: false, failingSince: null, now: t0 });
    expect(bad(-1)).toThrow(RangeError);
    expect(bad(Number.NaN)).toThrow(RangeError);
  });
});

describe('describeDuration', () => {
  it('uses the largest unit that fits', () => {
    expect(describeDuration(FIVE_DAYS)).toBe('5 days');
    expect(describeDuration(DAY)).toBe('1 day');
    expect(describeDuration(90 * 60_000)).toBe('1.5 hours');
    expect(describeDuration(1_500)).toBe('1.5 seconds');
    expect(describeDuration(200)).toBe('200 ms');
  });
});
