// Benchmark 8: what tracing costs the platform worker. The same backlog delivered by a
// worker-only platform with tracing off and on (exporting OTLP/HTTP to a local sink that decodes
// and counts the spans), alternated off, on, off, on… so drift in the machine's load falls on both.
import pg from 'pg';
import { startOtlpSink } from '../../packages/platform/test/support/otlp-sink.ts';
import type { BenchContext } from '../support/context.ts';
import { warmReceiver } from '../support/delivery-run.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { num, type Table } from '../support/table.ts';
import { type PlatformRun, platformOnBacklog } from './delivery.ts';

/**
 * Every event as if published with tracing on: a traceparent of its own (from its id), so the
 * "on" runs continue stored traces as in production; the "off" runs read the column and ignore it.
 */
async function storeTraceparents(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `update events set traceparent = '00-' || md5(id::text) || '-' || left(md5(id::text || 'span'), 16) || '-01'`,
    );
  } finally {
    await client.end();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function tracingBench(ctx: BenchContext): Promise<Table[]> {
  const events = ctx.args.events;
  const receiver = await startReceiver(1);
  const sink = await startOtlpSink({ keep: false });
  const runs: { mode: 'off' | 'on'; run: PlatformRun; spans: number }[] = [];
  try {
    await warmReceiver(receiver, events, ctx.args.concurrency);
    for (let round = 1; round <= ctx.args.tracingRounds; round++) {
      for (const mode of ['off', 'on'] as const) {
        const before = sink.counts().spans;
        const run = await platformOnBacklog(ctx, receiver, events, `tracing ${mode}, round ${round}`, {
          beforeWorker: storeTraceparents,
          ...(mode === 'on' ? { otlpEndpoint: sink.url } : {}),
        });
        const spans = sink.counts().spans - before;
        progress(`tracing ${mode}, round ${round}: ${num(spans)} spans exported`);
        runs.push({ mode, run, spans });
      }
    }
  } finally {
    await sink.close();
    await receiver.stop();
  }
  const of = (mode: 'off' | 'on') => runs.filter((r) => r.mode === mode);
  const summary = (mode: 'off' | 'on') => ({
    rate: median(of(mode).map((r) => r.run.rate)),
    cpu: median(of(mode).map((r) => r.run.cpu.worker)),
  });
  const off = summary('off');
  const on = summary('on');
  return [
    {
      title: `8. Tracing overhead: platform worker, ${num(events)} events × 1 endpoint, tracing off and on alternated (${ctx.postgres})`,
      headers: ['run', 'tracing', 'deliveries/s', 'worker CPU µs/delivery', 'spans exported'],
      rows: [
        ...runs.map((r, i) => [
          String(i + 1),
          r.mode,
          num(r.run.rate),
          num(r.run.cpu.worker),
          r.mode === 'on' ? num(r.spans) : '0',
        ]),
        ['median', 'off', num(off.rate), num(off.cpu), ''],
        ['median', 'on', num(on.rate), num(on.cpu), ''],
        ['on ÷ off', '', (on.rate / off.rate).toFixed(2), (on.cpu / off.cpu).toFixed(2), ''],
      ],
      notes: [
        'Each run: a fresh database, the backlog published through POST /v1/events (worker off), every event given a stored traceparent, then a worker-only platform in its own process timed until the receiver has every delivery.',
        'Tracing on: OTEL_EXPORTER_OTLP_ENDPOINT set, the official Node SDK with the batch span processor exporting OTLP/HTTP JSON to a local sink that decodes every request; per delivery a claim span and an attempt span, and the traceparent header. The worker CPU includes the final export (flushed before it is read).',
        'CPU per delivery is the figure to compare on a shared machine; deliveries/s moves with the load of the other processes.',
      ],
    },
  ];
}
