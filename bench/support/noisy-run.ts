// What the noisy-neighbour scenarios share: a run database with the api role in this process, the
// slow-receiver child, a worker-only platform child, per-account delivery latencies read from the
// database, and publishing from this process (so each scenario controls its own timing).

import pg from 'pg';
import { request } from 'undici';
import type { PortCounts } from '../children/slow-receiver.ts';
import { type Child, startChild } from './child-process.ts';
import { createDatabase } from './database.ts';
import { platformWorkerSpec, startWorker } from './delivery-run.ts';
import { type Api, PUBLISH_BODY, startApi } from './platform-api.ts';
import { sleep, waitUntil } from './progress.ts';
import { type Summary, summarize } from './stats.ts';

export interface NoisyRun {
  api: Api;
  receiver: Child;
  urls: string[];
  databaseUrl: string;
  pool: pg.Pool;
  startWorker(concurrency: number): Promise<Child>;
  counts(): Promise<PortCounts[]>;
  /** Per-account latency of each delivered delivery: event created to its successful attempt's end. */
  latencies(accountIds: readonly string[]): Promise<Map<string, Summary>>;
  succeeded(accountId: string): Promise<number>;
  close(): Promise<void>;
}

export async function noisyRun(delaysMs: number[]): Promise<NoisyRun> {
  const database = await createDatabase('noisy');
  const receiver = await startChild('slow-receiver', { delaysMs });
  const urls = await receiver.call<string[]>('urls');
  const api = await startApi({ databaseUrl: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const workers: Child[] = [];
  return {
    api,
    receiver,
    urls,
    databaseUrl: database.url,
    pool,
    async startWorker(concurrency) {
      const child = await startWorker(platformWorkerSpec(database.url, concurrency));
      workers.push(child);
      await child.call('start');
      return child;
    },
    counts: () => receiver.call<PortCounts[]>('counts'),
    async latencies(accountIds) {
      const { rows } = await pool.query<{ account_id: string; ms: number }>(
        `select d.account_id,
                (extract(epoch from (a.started_at - e.created_at)) * 1000 + a.duration_ms)::float8 as ms
           from deliveries d
           join events e on e.id = d.event_id
           join delivery_attempts a on a.delivery_id = d.id and a.outcome = 'succeeded'
          where d.account_id = any($1::text[])`,
        [accountIds],
      );
      const by = new Map<string, number[]>(accountIds.map((id) => [id, []]));
      for (const r of rows) by.get(r.account_id)!.push(r.ms);
      return new Map([...by].map(([id, samples]) => [id, summarize(samples)]));
    },
    async succeeded(accountId) {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from deliveries where account_id = $1 and status = 'succeeded'`,
        [accountId],
      );
      return rows[0]!.n;
    },
    async close() {
      for (const w of workers) await w.stop();
      await api.stop();
      await pool.end();
      await receiver.stop();
      await database.drop();
    },
  };
}

/** One POST /v1/events; throws unless 202. */
export async function publishOne(apiUrl: string, key: string): Promise<void> {
  const res = await request(`${apiUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: PUBLISH_BODY,
  });
  await res.body.dump();
  if (res.statusCode !== 202) throw new Error(`publish: HTTP ${res.statusCode}`);
}

/** Publishes every (key) of `keys` with at most `inFlight` requests at once, in the given order. */
export async function publishAll(apiUrl: string, keys: readonly string[], inFlight = 64): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < keys.length) await publishOne(apiUrl, keys[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, keys.length) }, lane));
}

/**
 * Publishes one event for `key` every 1/rate s (an open loop: a slow answer does not delay the
 * next) until `until()` says stop; returns how many were published.
 */
export async function publishAtRate(
  apiUrl: string,
  key: string,
  rate: number,
  until: () => boolean,
): Promise<number> {
  const t0 = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; !until(); i++) {
    const wait = t0 + (i * 1_000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sent.push(publishOne(apiUrl, key));
  }
  await Promise.all(sent);
  return sent.length;
}

export async function waitDelivered(run: NoisyRun, accountId: string, n: number, timeoutMs: number) {
  await waitUntil(
    async () => (await run.succeeded(accountId)) >= n,
    timeoutMs,
    async () => `account ${accountId}: ${await run.succeeded(accountId)} of ${n} delivered`,
    200,
  );
}

/**
 * Replays the account's whole dead letter in bulk, as its owner would: POST /v1/deliveries/replay
 * again while the answer says more are left (each call queues at most the per-call cap), waiting
 * out the per-minute limit when it answers 429. Returns how many were queued.
 */
export async function replayDeadLetter(apiUrl: string, key: string): Promise<number> {
  let queued = 0;
  for (;;) {
    const res = await request(`${apiUrl}/v1/deliveries/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.body.json()) as { queued?: number; has_more?: boolean };
    if (res.statusCode === 429) {
      await sleep(Number(res.headers['retry-after'] ?? 1) * 1_000);
      continue;
    }
    if (res.statusCode !== 202)
      throw new Error(`bulk replay: HTTP ${res.statusCode} ${JSON.stringify(body)}`);
    queued += body.queued ?? 0;
    if (!body.has_more) return queued;
  }
}
