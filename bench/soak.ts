// Soak: the platform as deployed in one process (API and worker together) under a steady publish
// rate for a long time, with a receiver that fails 10 % of first attempts, so retries run all the
// way through. Every interval it prints publish p50/p99 of that interval and the platform's RSS and
// heap; at the end it waits for the queue to drain and checks that every accepted event reached
// the receiver exactly once (nothing lost, no extra copy).
//
//   npx tsx bench/soak.ts [--rate 1000] [--minutes 30] [--interval 30] [--embedded]
//                         [--fail-every 10] [--heap-snapshots /tmp/dir] [--max-pending n]
//
// --embedded runs the platform on an in-memory PGlite (as `npm start` without DATABASE_URL) instead
// of a fresh PostgreSQL database. Publishes go over HTTP from this process on a fixed schedule
// (request i at t0 + i/rate, whether or not earlier ones answered: an open loop), so a platform
// that falls behind shows it in p99 and in "late" (how far the generator itself lagged). A 429
// (overloaded) counts as refused, not as accepted; anything else non-202 as an error.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { ReceiverStats } from './children/receiver.ts';
import type { SoakPlatformSpec } from './children/soak-platform.ts';
import { startChild } from './support/child-process.ts';
import { cleanupAll, cleanupOnSignals } from './support/cleanup.ts';
import { createDatabase } from './support/database.ts';
import { ADMIN_TOKEN, postJson, publish } from './support/platform-api.ts';
import { summarize } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '30' },
    interval: { type: 'string', default: '30' },
    embedded: { type: 'boolean', default: false },
    'fail-every': { type: 'string', default: '10' },
    'heap-snapshots': { type: 'string' },
    'max-pending': { type: 'string' },
  },
});
const RATE = Number(values.rate);
const DURATION_MS = Number(values.minutes) * 60_000;
const INTERVAL_MS = Number(values.interval) * 1000;
const FAIL_EVERY = Number(values['fail-every']);
const MB = 1024 * 1024;

type Memory = NodeJS.MemoryUsage;

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

async function main() {
  cleanupOnSignals();
  const database = values.embedded ? null : await createDatabase('soak');
  const receiver = await startChild('receiver', { ports: 1, failEvery: FAIL_EVERY });
  const spec: SoakPlatformSpec = {
    databaseUrl: database?.url ?? null,
    masterKeyHex: randomBytes(32).toString('hex'),
    retrySchedule: [1000, 1000, 1000, 1000, 1000, 1000],
    ...(values['max-pending'] ? { maxPendingPublishes: Number(values['max-pending']) } : {}),
  };
  const platform = await startChild('soak-platform', spec, { execArgv: ['--expose-gc'] });
  const url = await platform.call<string>('url');
  const [endpointUrl] = await receiver.call<string[]>('urls');
  // As many sockets as the platform's default pending-publish bound with PostgreSQL (more than in
  // embedded mode), so an overloaded platform is seen answering 429 rather than requests queueing
  // in this client; not more than the server's listen backlog (511), or connects time out there.
  const pool = new Pool(url, { connections: 500 });
  const { api_key: key } = await postJson(pool, '/v1/accounts', ADMIN_TOKEN, { name: 'soak' });
  await postJson(pool, '/v1/endpoints', key!, { url: endpointUrl, event_types: ['meeting.booked'] });

  const mode = values.embedded ? 'embedded PGlite' : 'PostgreSQL';
  log(
    `# Soak: ${RATE}/s for ${values.minutes} min on ${mode}, API and worker in one process, 1 in ${FAIL_EVERY} first attempts answered 500`,
  );
  log(
    `load average at start: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log('');
  log(
    '| t (s) | sent | accepted | 429 | errors | publish p50 | publish p99 | late p99 | delivered | RSS MB | heap MB |',
  );
  log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');

  const accepted = new Set<string>();
  let refused = 0;
  let errors = 0;
  const errorKinds = new Map<string, number>();
  const countError = (kind: string) => {
    errors++;
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  };
  let sent = 0;
  let bucket: number[] = [];
  let lateBucket: number[] = [];
  const memories: Array<{ t: number; memory: Memory }> = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const total = Math.floor((RATE * DURATION_MS) / 1000);
  const interval = Math.max(1, Math.round((RATE * INTERVAL_MS) / 1000));

  const publishOne = async (due: number) => {
    try {
      const res = await publish(pool, key!);
      const text = await res.body.text();
      bucket.push(performance.now() - due);
      if (res.statusCode === 202) accepted.add((JSON.parse(text) as { id: string }).id);
      else if (res.statusCode === 429) refused++;
      else countError(`HTTP ${res.statusCode}`);
    } catch (err) {
      countError((err as { code?: string }).code ?? (err as Error).message);
    }
  };

  const report = async () => {
    const latency = summarize(bucket);
    const late = summarize(lateBucket);
    bucket = [];
    lateBucket = [];
    const memory = await platform.call<Memory>('memory');
    const stats = await receiver.call<ReceiverStats>('stats');
    const t = Math.round((performance.now() - t0) / 1000);
    memories.push({ t, memory });
    log(
      `| ${t} | ${sent} | ${accepted.size} | ${refused} | ${errors} | ${latency.p50.toFixed(1)} ms | ${latency.p99.toFixed(1)} ms | ${late.p99.toFixed(1)} ms | ${stats.distinct} | ${(memory.rss / MB).toFixed(0)} | ${(memory.heapUsed / MB).toFixed(0)} |`,
    );
  };

  const snapshots: string[] = [];
  const snapshot = async () => {
    if (values['heap-snapshots']) {
      snapshots.push(await platform.call<string>('heapSnapshot', values['heap-snapshots'], 120_000));
    }
  };
  await snapshot();

  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lateBucket.push(Math.max(0, performance.now() - due));
    sent++;
    const p = publishOne(due);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if ((i + 1) % interval === 0) await report();
  }
  await Promise.all(inFlight);
  if (sent % interval !== 0) await report();
  await snapshot();

  // Drain: every accepted event delivered, its failed first attempt retried.
  const drainStart = performance.now();
  let stats = await receiver.call<ReceiverStats>('stats');
  while (stats.distinct < accepted.size && performance.now() - drainStart < 600_000) {
    await new Promise((r) => setTimeout(r, 1000));
    stats = await receiver.call<ReceiverStats>('stats');
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  await snapshot();
  const final = await platform.call<Memory>('memory');
  log('');
  log(
    `Drained ${(drainSeconds).toFixed(1)} s after the last publish. Accepted ${accepted.size} of ${sent} (429: ${refused}, errors: ${errors}); the receiver answered 200 for ${stats.distinct} distinct events, ${stats.failed} planned first-attempt failures, ${stats.duplicates} extra copies.`,
  );
  const lost = accepted.size - stats.distinct;
  log(
    lost === 0 && stats.duplicates === 0
      ? 'Check: nothing lost, nothing delivered twice.'
      : `CHECK FAILED: ${lost} accepted events not delivered, ${stats.duplicates} delivered more than once.`,
  );
  if (errors > 0) log(`Errors by kind: ${[...errorKinds].map(([k, n]) => `${k} ${n}`).join(', ')}.`);
  log(`RSS after draining: ${(final.rss / MB).toFixed(0)} MB, heap ${(final.heapUsed / MB).toFixed(0)} MB.`);
  if (snapshots.length) log(`Heap snapshots (start, end of publishing, drained): ${snapshots.join(', ')}`);
  log(
    `load average at end: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  await pool.close();
  await platform.stop();
  await receiver.stop();
  await database?.drop();
  process.exitCode = lost === 0 && stats.duplicates === 0 ? 0 : 1;
}

main()
  .catch((err) => {
    process.stderr.write(`[soak] failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
