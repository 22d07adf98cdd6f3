// The receiver kit's PostgreSQL store alone, in this process (no HTTP, no verification): how many
// accepts per second N concurrent callers get with group commit (the store's accept) beside one
// statement and one commit per accept (the same SQL, one row each, as the store did before), in
// alternation, so both see the same machine at the same moment.
//
//   npx tsx bench/receiver-store.ts [--concurrency 64] [--seconds 5] [--rounds 2]
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { withRetries } from '@bookflow/pg';
import pg from 'pg';
import type { IncomingJob } from '../packages/receiver/src/index.ts';
import { fromPgPool, PostgresStore } from '../packages/receiver/src/postgres.ts';
import { acceptJobs } from '../packages/receiver/src/stores/postgres/sql/accept.ts';
import { cleanupAll, cleanupOnSignals } from './support/cleanup.ts';
import { createDatabase } from './support/database.ts';
import { summarize } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
  },
});
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const TTL_MS = 7 * 86_400_000;
const BODY = JSON.stringify({ type: 'meeting.booked', data: { note: 'x'.repeat(1000) } });

const job = (): IncomingJob => {
  const id = randomUUID();
  return {
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    body: BODY,
    headers: { 'x-bookflow-attempt': '1' },
    receivedAt: new Date(),
  };
};

async function run(accept: (j: IncomingJob) => Promise<unknown>) {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await accept(job());
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rate: latencies.length / SECONDS, latency: summarize(latencies) };
}

async function main() {
  cleanupOnSignals();
  const database = await createDatabase('recvstore');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const db = fromPgPool(pool, { ownsPool: false });
  const store = await PostgresStore.create({ db });
  const rows: string[] = [];
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, accept] of [
      ['one statement per accept', (j: IncomingJob) => withRetries(() => acceptJobs(db, [j], TTL_MS, 0))],
      ['group commit (the store)', (j: IncomingJob) => store.accept(j)],
    ] as const) {
      const load = loadavg()[0]!.toFixed(1);
      const r = await run(accept);
      rows.push(
        `| ${round} | ${label} | ${Math.round(r.rate).toLocaleString('en-US')} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${load} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    }
  }
  process.stdout.write(
    [
      `# Receiver store alone: ${CONCURRENCY} concurrent accepts for ${SECONDS} s, pool of 10, PostgreSQL`,
      '',
      '| round | accepts | accepts/s | p50 | p99 | load average (1 min) at start |',
      '|---:|---|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
  await pool.end();
  await database.drop();
}

main()
  .catch((err) => {
    process.stderr.write(`[receiver-store] failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
