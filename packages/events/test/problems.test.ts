import { describe, expect, it } from 'vitest';
import { problemCatalogue, problemDocument } from '../src/index.ts';

describe('problem catalogues', () => {
  const catalogue = problemCatalogue({
    400: { bad_input: 'The input is bad', too_deep: 'Nested too deeply' },
    503: { not_ready: 'Not ready' },
  });

  it('reads the codes grouped by status as one map from code to status and title', () => {
    expect(catalogue).toEqual({
      bad_input: { status: 400, title: 'The input is bad' },
      too_deep: { status: 400, title: 'Nested too deeply' },
      not_ready: { status: 503, title: 'Not ready' },
    });
  });

  it('builds an RFC 9457 document with the detail and extra members only when given', () => {
    const type = 'https://bookflow.dev/errors/not_ready';
    expect(problemDocument(type, 'not_ready', catalogue.not_ready)).toEqual({
      type,
      title: 'Not ready',
      status: 503,
      code: 'not_ready',
    });
    expect(
      problemDocument(type, 'not_ready', catalogue.not_ready, 'the store is down', { retry: 5 }),
    ).toEqual({
      type,
      title: 'Not ready',
      status: 503,
      code: 'not_ready',
      detail: 'the store is down',
      retry: 5,
    });
  });
});
