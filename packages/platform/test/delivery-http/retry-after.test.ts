import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/delivery/http/index.ts';

const now = Date.parse('2026-04-10T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['30', '60'], now)).toBe(30);
  });

  it('reads an HTTP-date as seconds from now, rounding up', () => {
    expect(parseRetryAfter('Fri, 10 Apr 2026 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Fri, 10 Apr 2026 12:01:30 GMT', now + 500)).toBe(90);
  });

  it('reads the obsolete RFC 850 and asctime forms as GMT', () => {
    const nov1994 = Date.parse('1994-11-06T08:49:37Z');
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', nov1994 - 10_000)).toBe(10);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', nov1994 - 10_000)).toBe(10);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Fri, 10 Apr 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('returns null for absent or malformed values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('soon 2', now)).toBeNull();
    expect(parseRetryAfter('Fri, 99 Nop 2026 GMT', now)).toBeNull();
    expect(parseRetryAfter('9'.repeat(30), now)).toBeNull();
  });
});
