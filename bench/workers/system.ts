// What the worker child (children/worker.ts) runs: one delivery system under test. `prepare` fills
// its queue (untimed), `start` begins consuming and returns at once; the parent times from `start`
// until the receiver has every delivery.
import { Agent, request } from 'undici';
import type { DeliveryJob } from './payloads.ts';

export interface DeliverySystem {
  prepare(): Promise<void>;
  start(): Promise<void>;
  stats(): Promise<Record<string, unknown>>;
  /** Work the system still owes for what it delivered (exporting spans), done inside the CPU count. */
  flush?(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerSpec {
  kind: 'platform' | 'bullmq' | 'pg-boss' | 'bare-undici' | 'plain-pg';
  /** Events to enqueue in prepare (baselines); each goes to every url. */
  events: number;
  urls: string[];
  /** Signing secret (whsec_...) of the baselines; the platform uses its endpoints' own. */
  secret: string;
  /** Attempts in flight, the platform's BOOKFLOW_WORKER_CONCURRENCY default (200) unless told. */
  concurrency: number;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix?: string;
  masterKeyHex?: string;
  retryScheduleMs?: number[];
  /** Where to write a .cpuprofile of the timed part (start to stats). */
  profileFile?: string;
  /** The platform with tracing on, exporting OTLP/HTTP here (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint?: string;
}

/** The platform sender keeps 50 pooled connections per origin; the baselines get the same. */
export const CONNECTIONS_PER_ORIGIN = 50;

export function baselineAgent(): Agent {
  return new Agent({ connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: 60_000 });
}

/** One signed POST; true on 2xx. The body is read to the end so the connection is reused. */
export async function post(
  agent: Agent,
  job: DeliveryJob,
  headers: Record<string, string>,
): Promise<boolean> {
  const res = await request(job.url, {
    method: 'POST',
    body: job.body,
    headers,
    dispatcher: agent,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  await res.body.dump();
  return res.statusCode >= 200 && res.statusCode < 300;
}
