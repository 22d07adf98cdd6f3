// Benchmark 10: end-to-end latency at a fixed publish rate, API and worker in one process on
// PostgreSQL (bench/support/e2e-run.ts), beside the publish latency of the same requests. The
// baseline is the delivery's own floor: a publish's 202 comes first, so the receiver's 200 can be
// no earlier; the ratio shows what delivery adds.
import type { BenchContext } from '../support/context.ts';
import { failureText, measureEndToEnd } from '../support/e2e-run.ts';
import { progress } from '../support/progress.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';

export async function e2eBench(ctx: BenchContext): Promise<Table[]> {
  const { e2eRate: rate, e2eSeconds: seconds, e2eWarmup: warmupSeconds } = ctx.args;
  progress(`e2e: ${num(rate)} events/s for ${warmupSeconds} s of warm-up, then ${seconds} s measured`);
  const r = await measureEndToEnd({ rate, seconds, warmupSeconds, embedded: false });
  ctx.figures.set('e2e.rate', rate);
  ctx.figures.set('e2e.publish.p99', r.publish.p99);
  ctx.figures.set('e2e.p50', r.delivered.p50);
  ctx.figures.set('e2e.p99', r.delivered.p99);
  const cells = (s: typeof r.publish) => [num(s.count), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)];
  return [
    {
      title: `10. End-to-end latency: ${num(rate)} events/s for ${seconds} s, API and worker in one process (${ctx.postgres})`,
      headers: ['from the scheduled send to', 'count', 'p50', 'p90', 'p99', 'max', 'p99 vs the 202'],
      rows: [
        ['the 202 (publish committed)', ...cells(r.publish), ''],
        ['the receiver’s 200', ...cells(r.delivered), ratio(r.delivered.p99, r.publish.p99)],
      ],
      notes: [
        'Open loop: request i leaves at t0 + i/rate whatever happened to earlier ones; latency counts from that scheduled time, so a platform that falls behind shows it.',
        `The first ${warmupSeconds} s at the same rate warm the platform up (JIT, pools) and are left out of the latencies, not of the loss and copy checks (--e2e-warmup).`,
        'The receiver (its own process) answers 200 at once and notes the time it got each event; both ends read the same clock.',
        `Accepted ${num(r.accepted)} of ${num(r.total)} (failed: ${failureText(r.failures)}); not delivered within 2 min: ${r.missing}; extra copies: ${r.duplicates}.`,
      ],
    },
  ];
}
