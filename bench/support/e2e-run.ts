// End-to-end latency, shared by `bench/e2e-latency.ts` and benchmark 10 (`--only e2e`): from
// `POST /v1/events` leaving the client to the receiver's 200, at a fixed rate.
//
// The platform runs as deployed in one process (API and worker together; embedded on an in-memory
// PGlite, else a fresh PostgreSQL database), the receiver (200 at once) in another, the publisher
// here. Publishes follow a fixed schedule (request i at t0 + i/rate, an open loop), and latency
// counts from that scheduled time, so a platform that falls behind shows it. Both ends read the
// same clock (performance.timeOrigin + now()).
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import type { SoakPlatformSpec } from '../children/soak-platform.ts';
import { startChild } from './child-process.ts';
import { createDatabase } from './database.ts';
import { ADMIN_TOKEN, postJson, publish } from './platform-api.ts';
import { type Summary, summarize } from './stats.ts';

export interface EndToEnd {
  /** Requests sent, warm-up included. */
  total: number;
  accepted: number;
  /** Publishes that did not answer 202, by kind ("HTTP 429 …", "ECONNRESET"). */
  failures: Map<string, number>;
  /** Accepted but not at the receiver within two minutes of the last publish. */
  missing: number;
  duplicates: number;
  /** Scheduled send time to the 202, of the requests after the warm-up. */
  publish: Summary;
  /** Scheduled send time to the receiver's 200, of the requests after the warm-up. */
  delivered: Summary;
}

const now = () => performance.timeOrigin + performance.now();

export async function measureEndToEnd(opts: {
  rate: number;
  seconds: number;
  /**
   * Seconds published at the same rate first and left out of the latencies (still checked for
   * loss and copies): the JIT, the pools and the caches start cold, and a minute-long process
   * start is not what a steady stream of events feels.
   */
  warmupSeconds: number;
  embedded: boolean;
}): Promise<EndToEnd> {
  const warmup = Math.floor(opts.rate * opts.warmupSeconds);
  const total = warmup + Math.floor(opts.rate * opts.seconds);
  const database = opts.embedded ? null : await createDatabase('e2e');
  const receiver = await startChild('timing-receiver', {});
  const spec: SoakPlatformSpec = {
    databaseUrl: database?.url ?? null,
    masterKeyHex: randomBytes(32).toString('hex'),
    retrySchedule: [1000, 1000, 1000, 1000, 1000, 1000],
  };
  const platform = await startChild('soak-platform', spec);
  const pool = new Pool(await platform.call<string>('url'), { connections: 256 });
  try {
    const { api_key: key } = await postJson(pool, '/v1/accounts', ADMIN_TOKEN, { name: 'e2e' });
    await postJson(pool, '/v1/endpoints', key!, {
      url: await receiver.call<string>('url'),
      event_types: ['meeting.booked'],
    });
    const scheduled = new Map<string, number>();
    const measured = new Set<string>();
    const publishLatency: number[] = [];
    const failures = new Map<string, number>();
    const fail = (kind: string) => failures.set(kind, (failures.get(kind) ?? 0) + 1);
    const inFlight: Promise<void>[] = [];
    const t0 = now() + 100;
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / opts.rate;
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        (async () => {
          try {
            const res = await publish(pool, key!);
            const text = await res.body.text();
            if (i >= warmup) publishLatency.push(now() - due);
            if (res.statusCode !== 202) {
              fail(`HTTP ${res.statusCode} ${text.slice(0, 120)}`);
              return;
            }
            const { id } = JSON.parse(text) as { id: string };
            scheduled.set(id, due);
            if (i >= warmup) measured.add(id);
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
    const delivered: number[] = [];
    let missing = 0;
    for (const [id, due] of scheduled) {
      const at = times[id];
      if (at === undefined) missing++;
      else if (measured.has(id)) delivered.push(at - due);
    }
    return {
      total,
      accepted: scheduled.size,
      failures,
      missing,
      duplicates,
      publish: summarize(publishLatency),
      delivered: summarize(delivered),
    };
  } finally {
    await pool.close();
    await platform.stop();
    await receiver.stop();
    await database?.drop();
  }
}

/** "none", or "3 × HTTP 429 …; 1 × ECONNRESET". */
export function failureText(failures: Map<string, number>): string {
  if (!failures.size) return 'none';
  return [...failures].map(([kind, n]) => `${n} × ${kind}`).join('; ');
}
