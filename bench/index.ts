// `npm run bench`: runs the benchmarks under bench/benchmarks/ and prints one Markdown table per
// figure, each beside a baseline measured in the same run. Flags: bench/README.md, or --help.
// Progress goes to stderr; stdout carries only the tables.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { backlogBench } from './benchmarks/backlog.ts';
import { deliveryBench } from './benchmarks/delivery.ts';
import { e2eBench } from './benchmarks/e2e.ts';
import { embeddedBench } from './benchmarks/embedded.ts';
import { noisyBench } from './benchmarks/noisy.ts';
import { publishBench } from './benchmarks/publish.ts';
import { receiverBench } from './benchmarks/receiver.ts';
import { retriesBench } from './benchmarks/retries.ts';
import { scaleoutBench } from './benchmarks/scaleout.ts';
import { tracingBench } from './benchmarks/tracing.ts';
import { args, BENCHMARKS as BENCHMARK_ORDER, type BenchmarkName } from './support/args.ts';
import { cleanupAll, cleanupOnSignals } from './support/cleanup.ts';
import type { BenchContext, Benchmark } from './support/context.ts';
import { DATABASE_URL, postgresVersion } from './support/database.ts';
import { progress } from './support/progress.ts';
import { redisVersion } from './support/redis.ts';
import { renderTable, type Table } from './support/table.ts';
import { targetsTable } from './support/targets.ts';

const BENCHMARKS: Record<BenchmarkName, { run: Benchmark; needs: ('postgres' | 'redis')[] }> = {
  delivery: { run: deliveryBench, needs: ['postgres'] },
  publish: { run: publishBench, needs: ['postgres'] },
  e2e: { run: e2eBench, needs: ['postgres'] },
  retries: { run: retriesBench, needs: ['postgres'] },
  backlog: { run: backlogBench, needs: ['postgres'] },
  receiver: { run: receiverBench, needs: [] },
  embedded: { run: embeddedBench, needs: [] },
  noisy: { run: noisyBench, needs: ['postgres'] },
  tracing: { run: tracingBench, needs: ['postgres'] },
  scaleout: { run: scaleoutBench, needs: ['postgres'] },
};

async function main() {
  if (args.help) {
    process.stdout.write('Usage: npm run bench -- [flags]; every flag is described in bench/README.md\n');
    return;
  }
  cleanupOnSignals();
  const [pgInfo, redisInfo] = await Promise.all([postgresVersion(), redisVersion()]);
  const ctx: BenchContext = {
    args,
    postgres: 'version' in pgInfo ? pgInfo.version : null,
    redis: 'version' in redisInfo ? redisInfo.version : null,
    figures: new Map(),
  };
  if ('error' in pgInfo)
    progress(
      `PostgreSQL not reachable (${pgInfo.error}); set DATABASE_URL. Benchmarks that need it are skipped.`,
    );
  if ('error' in redisInfo)
    progress(
      `Redis not reachable (${redisInfo.error}); set REDIS_URL. BullMQ and the Redis receiver store are skipped.`,
    );

  const machine =
    `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${ctx.postgres ?? 'no PostgreSQL'}, ${ctx.redis ?? 'no Redis'}; ` +
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`;
  const output: string[] = [`Machine: ${machine}\n`];
  process.stdout.write(`${output[0]}\n`);
  const started = performance.now();
  try {
    // Always in the order of BENCHMARKS: embedded compares with delivery's figure.
    for (const name of BENCHMARK_ORDER.filter((n) => args.only.includes(n))) {
      const bench = BENCHMARKS[name];
      if (bench.needs.includes('postgres') && !ctx.postgres) {
        progress(`${name}: skipped, PostgreSQL is not reachable at ${DATABASE_URL}`);
        continue;
      }
      progress(`${name}: starting`);
      const tables: Table[] = await bench.run(ctx);
      for (const table of tables) {
        const text = renderTable(table);
        output.push(text);
        process.stdout.write(`${text}\n`);
      }
    }
    const targets = targetsTable(ctx);
    if (targets) {
      const text = renderTable(targets);
      output.push(text);
      process.stdout.write(`${text}\n`);
    }
  } finally {
    await cleanupAll();
    const end = `load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`;
    if (args.markdown) writeFileSync(args.markdown, `${output.join('\n')}\n${end}\n`);
    progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${end}`);
  }
}

main().catch(async (err) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
  await cleanupAll();
  process.exit(1);
});
