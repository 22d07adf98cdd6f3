// End-to-end latency: from `POST /v1/events` leaving the client to the receiver's 200, at a fixed
// rate, as a revenue team feels it ("the meeting shows up in HubSpot within a second"). The same
// measurement runs inside `npm run bench` as benchmark 10 (`--only e2e`); this script runs it
// alone, also on the embedded database. How it measures: bench/support/e2e-run.ts.
//
//   npx tsx bench/e2e-latency.ts [--rate 1000] [--seconds 30] [--warmup 5] [--embedded]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cleanupAll, cleanupOnSignals } from './support/cleanup.ts';
import { failureText, measureEndToEnd } from './support/e2e-run.ts';
import type { Summary } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    embedded: { type: 'boolean', default: false },
  },
});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const row = (label: string, s: Summary) =>
  `| ${label} | ${s.count} | ${s.p50.toFixed(1)} ms | ${s.p90.toFixed(1)} ms | ${s.p99.toFixed(1)} ms | ${s.max.toFixed(1)} ms |`;

async function main() {
  cleanupOnSignals();
  const loadAtStart = load();
  const rate = Number(values.rate);
  const r = await measureEndToEnd({
    rate,
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    embedded: values.embedded,
  });
  const mode = values.embedded ? 'embedded PGlite' : 'PostgreSQL';
  process.stdout.write(
    [
      `# End-to-end latency: ${rate}/s for ${values.seconds} s after ${values.warmup} s of warm-up, on ${mode} (API and worker in one process)`,
      `load average at start ${loadAtStart}, at end ${load()}`,
      '',
      '| | count | p50 | p90 | p99 | max |',
      '|---|---:|---:|---:|---:|---:|',
      row('publish → 202', r.publish),
      row("publish → receiver's 200", r.delivered),
      '',
      `Accepted ${r.accepted} of ${r.total} (failed: ${failureText(r.failures)}); not delivered within 2 min: ${r.missing}; extra copies: ${r.duplicates}. Target: p50 ≤ 15 ms, p99 ≤ 50 ms at 1,000/s.`,
      '',
    ].join('\n'),
  );
}

main()
  .catch((err) => {
    process.stderr.write(`[e2e] failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
