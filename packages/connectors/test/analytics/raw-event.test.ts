import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawEventFromEnvelope } from '../../src/warehouse/raw-event.ts';

describe('an envelope as a raw row', () => {
  it('never throws on hostile input: a row, or a sentence saying what is wrong', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.object(), fc.anything()), (value) => {
        const check = rawEventFromEnvelope(value, new Date());
        if (check.ok) expect(typeof check.event.payload).toBe('string');
        else expect(check.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts any schema version and unknown fields, and keeps them in the payload', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (version, extra) => {
          const check = rawEventFromEnvelope(
            {
              id: 'e1',
              type: 'meeting.completed',
              created_at: '2026-03-01T00:00:00Z',
              schema_version: version,
              data: { extra },
            },
            new Date(),
          );
          expect(check.ok).toBe(true);
          if (check.ok)
            expect(JSON.parse(check.event.payload)).toEqual({ extra: JSON.parse(JSON.stringify(extra)) });
        },
      ),
    );
  });

  it('names the missing or wrong field', () => {
    const at = new Date();
    expect(rawEventFromEnvelope([], at)).toEqual({
      ok: false,
      problem: 'is not a JSON object (one envelope per line)',
    });
    expect(rawEventFromEnvelope({ type: 'x' }, at)).toEqual({ ok: false, problem: 'has no "id"' });
    expect(rawEventFromEnvelope({ id: 'e', type: 'x', created_at: 'yesterday', data: {} }, at)).toEqual({
      ok: false,
      problem: '"created_at" is not an ISO 8601 time',
    });
    expect(
      rawEventFromEnvelope({ id: 'e', type: 'x', created_at: '2026-03-01T00:00:00Z', data: [] }, at),
    ).toEqual({ ok: false, problem: '"data" must be an object' });
    expect(
      rawEventFromEnvelope({ id: 7, type: 'x', created_at: '2026-03-01T00:00:00Z', data: {} }, at),
    ).toEqual({ ok: false, problem: '"id" must be a non-empty string' });
  });
});

describe('text a warehouse cannot store', () => {
  it('is refused with a reason', () => {
    const check = rawEventFromEnvelope(
      { id: 'e', type: 'x', created_at: '2026-03-01T00:00:00Z', data: { note: 'a\u0000b' } },
      new Date(),
    );
    expect(check).toEqual({
      ok: false,
      problem: '"data" holds a NUL character (\\u0000), which a warehouse cannot store',
    });
  });
});
