import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.ts';

const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

/** Rows of the README's error table: | `code` | status | when |. */
function documentedErrors(): Map<string, number> {
  const section = README.split('## Errors')[1]?.split('\n## ')[0] ?? '';
  const rows = [...section.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)];
  return new Map(rows.map((m) => [m[1]!, Number(m[2])]));
}

describe('error catalogue', () => {
  it('the README documents exactly the codes of the catalogue, with the same statuses', () => {
    const documented = documentedErrors();
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.status as number]));
    expect(documented).toEqual(catalogue);
  });

  it('codes are snake_case and statuses are 4xx/5xx', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
    }
  });
});
