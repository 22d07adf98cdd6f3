// The load generator, in its own process so it never shares an event loop with the server it
// measures. Two ways to load:
//
// - closed: autocannon with `connections` requests in flight for `seconds` (or `amount` requests):
//   the highest rate the server sustains. Latency comes from autocannon's per-response times
//   (fractional ms) rather than its histogram, which rounds to whole milliseconds.
// - open: requests sent on a fixed schedule (request i at t0 + i/rate) whether or not earlier ones
//   have answered, so a server that falls behind shows it in the tail instead of slowing the
//   client. autocannon's overallRate is not used for this: each of its connections sends its
//   per-second quota back to back at the start of every second, which measures bursts.
//
// With `signedSecret`, every request is a distinct, freshly signed delivery (new event id, current
// webhook-timestamp), as a receiver sees them: a repeated id would hit the dedupe fast path.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { deliveryHeaders, sampleEnvelope, secretKey } from '@bookflow/events';
import { Pool } from 'undici';
import { serveChild } from '../support/child-process.ts';
import { type Summary, summarize } from '../support/stats.ts';

export interface LoadSpec {
  url: string;
  /** Closed loop only: several servers, connection i to urls[i % length] (autocannon's round-robin). */
  urls?: string[];
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds?: number;
  amount?: number;
  /** Open loop: requests per second. */
  rate?: number;
  signedSecret?: string;
}

export interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** 2xx answers per second over the run. */
  rate: number;
  latency: Summary;
  /** Open loop only: how late the generator sent each request versus its schedule. */
  lateness?: Summary;
}

interface AutocannonRequest {
  headers: Record<string, string>;
  body?: string;
}
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', fn: () => void): void;
  then: Promise<{ duration: number; errors: number; non2xx: number }>['then'];
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A new meeting.booked delivery per call, signed as the platform signs it. */
function signedDeliveries(secret: string) {
  const key = secretKey(secret);
  const template = sampleEnvelope('meeting.booked', { seed: 7 });
  return () => {
    const id = randomUUID();
    const body = JSON.stringify({ ...template, id });
    const headers = deliveryHeaders({
      eventId: id,
      eventType: template.type,
      schemaVersion: template.schema_version,
      attempt: 1,
      deliveredAt: new Date(),
      body,
      secrets: [key],
    });
    return { headers, body };
  };
}

async function closed(spec: LoadSpec): Promise<LoadResult> {
  const next = spec.signedSecret ? signedDeliveries(spec.signedSecret) : null;
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const instance = autocannon({
    url: spec.urls ?? spec.url,
    method: spec.method ?? 'POST',
    headers: spec.headers ?? {},
    body: spec.body,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds ?? 5 }),
    timeout: 10,
    ...(next
      ? {
          requests: [
            {
              setupRequest: (req: AutocannonRequest) => {
                const delivery = next();
                return { ...req, headers: { ...req.headers, ...delivery.headers }, body: delivery.body };
              },
            },
          ],
        }
      : {}),
  });
  instance.on('response', (_client, status, _bytes, time) => {
    if (status >= 200 && status < 300) {
      ok++;
      latencies.push(time);
    } else non2xx++;
  });
  instance.on('reqError', () => {
    errors++;
  });
  const result = await instance;
  return {
    ok,
    non2xx,
    errors,
    seconds: result.duration,
    rate: ok / result.duration,
    latency: summarize(latencies),
  };
}

async function open(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.rate!;
  const total = Math.round(rate * (spec.seconds ?? 10));
  const next = spec.signedSecret ? signedDeliveries(spec.signedSecret) : null;
  const target = new URL(spec.url);
  const pool = new Pool(target.origin, { connections: spec.connections, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  const lateness: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      const delivery = next?.();
      const sentAt = performance.now();
      lateness.push(Math.max(0, sentAt - due));
      const task = pool
        .request({
          path: target.pathname,
          method: spec.method ?? 'POST',
          headers: { ...spec.headers, ...delivery?.headers },
          body: delivery?.body ?? spec.body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - sentAt);
          else non2xx++;
        })
        .catch(() => {
          errors++;
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ok: latencies.length,
    non2xx,
    errors,
    seconds,
    rate: latencies.length / seconds,
    latency: summarize(latencies),
    lateness: summarize(lateness),
  };
}

serveChild<Record<string, never>>(async () => ({
  closed: (arg) => closed(arg as LoadSpec),
  open: (arg) => open(arg as LoadSpec),
  stop: () => undefined,
}));
