import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VOLUME_CHECK_DELAY_MS,
  DEFAULT_VOLUME_POLICY,
  DEFAULT_VOLUME_RETENTION_WEEKS,
  DEFAULT_WORKER_OPTIONS,
  MAX_VOLUME_WEEKS,
  PROBLEMS,
  ReceiverMetrics,
} from '../src/index.ts';

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

  it('states the defaults the kit uses', () => {
    const volumeOptions = { ...DEFAULT_VOLUME_POLICY, delayMs: DEFAULT_VOLUME_CHECK_DELAY_MS };
    for (const [option, value] of Object.entries(volumeOptions)) {
      expect(README, `README is wrong about ${option}`).toMatch(row(`\`${option}\``, String(value)));
    }
    expect(README).toContain(`(default ${DEFAULT_VOLUME_CHECK_DELAY_MS / 60_000} minutes,`);
    expect(README).toContain(`Counts are kept **${DEFAULT_VOLUME_RETENTION_WEEKS} weeks**`);
    expect(README).toContain(`\`MAX_VOLUME_WEEKS\` (${MAX_VOLUME_WEEKS})`);
    expect(README).toContain(`with a lease (default ${DEFAULT_WORKER_OPTIONS.leaseMs / 1000} s,`);
    expect(README).toContain(
      `waits for running handlers (default ${DEFAULT_WORKER_OPTIONS.shutdownTimeoutMs / 1000} s)`,
    );
  });
});
