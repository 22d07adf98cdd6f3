import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEMS, ReceiverMetrics } from '../src/index.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A README table row starting with these cells; biome pads the cells, so spacing is free. */
function row(...cells: string[]): RegExp {
  const escaped = cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^\\|\\s*${escaped.join('\\s*\\|\\s*')}\\s*\\|`, 'm');
}

describe('the README', () => {
  it('documents every problem code with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(PROBLEMS)) {
      expect(README, `README is missing ${code}`).toMatch(row(`\`${code}\``, String(status)));
    }
  });

  it('lists every metric', () => {
    const names = new ReceiverMetrics().registry.getMetricsAsArray().map((m) => m.name);
    for (const name of names) expect(README, `README is missing ${name}`).toContain(`\`${name}\``);
  });
});
