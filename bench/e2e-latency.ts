// End-to-end latency: from `POST /v1/events` leaving the client to the receiver's 200, at a fixed
// rate, as a revenue team feels it ("the meeting shows up in HubSpot within a second").
//
//   npx tsx bench/e2e-latency.ts [--rate 1000] [--seconds 30] [--embedded]
//
// The platform runs as deployed in one process (API and worker together; --embedded on an
// in-memory PGlite, else a fresh PostgreSQL database), the receiver (200 at once) in another,
// the publisher here. Publishes follow a fixed schedule (request i at t0 + i/rate, an open loop),
// and latency counts from that scheduled time, so a platform that falls behind shows it. Both ends
// read the same clock (performance.timeOrigin + now()).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { SoakPlatformSpec } from './children/soak-platform.ts';
import { startChild } from './support/child-process.ts';
import { cleanupAll, cleanupOnSignals } from './support/cleanup.ts';
import { createDatabase } from './support/database.ts';
import { ADMIN_TOKEN, postJson, publish } from './support/platform-api.ts';
import { summarize } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    embedded: { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const TOTAL = Math.floor(RATE * Number(values.seconds));
const now = () => performance.timeOrigin + performance.now();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  cleanupOnSignals();
  const loadAtStart = load();
  const database = values.embedded ? null : await createDatabase('e2e');
  const receiver = await startChild('timing-receiver', {});
  const spec: SoakPlatformSpec = {
    databaseUrl: database?.url ?? null,
    masterKeyHex: randomBytes(32).toString('hex'),
    retrySchedule: [1000, 1000, 1000, 1000, 1000, 1000],
  };
  const platform = await startChild('soak-platform', spec);
  const url = await platform.call<string>('url');
  const pool = new Pool(url, { connections: 256 });
  const { api_key: key } = await postJson(pool, '/v1/accounts', ADMIN_TOKEN, { name: 'e2e' });
  await postJson(pool, '/v1/endpoints', key!, {
    url: await receiver.call<string>('url'),
    event_types: ['meeting.booked'],
  });

  const scheduled = new Map<string, number>();
  const publishLatency: number[] = [];
  let failed = 0;
  const failures = new Map<string, number>();
  const fail = (kind: string) => {
    failed++;
    failures.set(kind, (failures.get(kind) ?? 0) + 1);
  };
  const inFlight: Promise<void>[] = [];
  const t0 = now() + 100;
  for (let i = 0; i < TOTAL; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      (async () => {
        try {
          const res = await publish(pool, key!);
          const text = await res.body.text();
          publishLatency.push(now() - due);
          if (res.statusCode === 202) scheduled.set((JSON.parse(text) as { id: string }).id, due);
          else fail(`HTTP ${res.statusCode} ${text.slice(0, 120)}`);
        } catch (err) {
          fail((err as { code?: string }).code ?? (err as Error).message);
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  const deadline = now() + 120_000;
  while ((await receiver.call<number>('count')) < scheduled.size && now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const { times, duplicates } = await receiver.call<{ times: Record<string, number>; duplicates: number }>(
    'times',
  );
  const e2e: number[] = [];
  let missing = 0;
  for (const [id, due] of scheduled) {
    const at = times[id];
    if (at === undefined) missing++;
    else e2e.push(at - due);
  }
  const end = summarize(e2e);
  const pub = summarize(publishLatency);
  const mode = values.embedded ? 'embedded PGlite' : 'PostgreSQL';
  process.stdout.write(
    [
      `# End-to-end latency: ${RATE}/s for ${values.seconds} s on ${mode} (API and worker in one process)`,
      `load average at start ${loadAtStart}, at end ${load()}`,
      '',
      '| | count | p50 | p90 | p99 | max |',
      '|---|---:|---:|---:|---:|---:|',
      `| publish → 202 | ${pub.count} | ${pub.p50.toFixed(1)} ms | ${pub.p90.toFixed(1)} ms | ${pub.p99.toFixed(1)} ms | ${pub.max.toFixed(1)} ms |`,
      `| publish → receiver's 200 | ${end.count} | ${end.p50.toFixed(1)} ms | ${end.p90.toFixed(1)} ms | ${end.p99.toFixed(1)} ms | ${end.max.toFixed(1)} ms |`,
      '',
      `Accepted ${scheduled.size} of ${TOTAL} (failed ${failed}${failed ? `: ${[...failures].map(([k, n]) => `${n} × ${k}`).join('; ')}` : ''}); not delivered within 2 min: ${missing}; extra copies: ${duplicates}. Target: p50 ≤ 15 ms, p99 ≤ 50 ms at 1,000/s.`,
      '',
    ].join('\n'),
  );
  await pool.close();
  await platform.stop();
  await receiver.stop();
  await database?.drop();
}

main()
  .catch((err) => {
    process.stderr.write(`[e2e] failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
