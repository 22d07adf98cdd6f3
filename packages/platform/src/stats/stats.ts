import type { Queryable } from '@bookflow/pg';

// Health figures for the dashboard's charts, from the platform's own tables: attempts give the
// outcomes and latencies, deliveries the queue and the dead letter.

export type StatsWindow = '1h' | '24h';

/** Each window as a number of buckets of a fixed size: 60 minutes, or 96 quarter hours. */
export const WINDOWS: Record<StatsWindow, { ms: number; bucketSeconds: number }> = {
  '1h': { ms: 3_600_000, bucketSeconds: 60 },
  '24h': { ms: 86_400_000, bucketSeconds: 900 },
};

export interface LatencyMs {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface StatsBucket {
  at: Date;
  succeeded: number;
  failed: number;
  dead_lettered: number;
  success_rate: number | null;
  latency_ms: LatencyMs;
  queue_depth: number;
  dead_letter_depth: number;
}

export interface Stats {
  from: Date;
  to: Date;
  bucketSeconds: number;
  totals: {
    succeeded: number;
    failed: number;
    dead_lettered: number;
    success_rate: number | null;
    latency_ms: LatencyMs;
  };
  /** queue_depth counts every delivery still to be sent: pending, being attempted, or held. */
  now: { queue_depth: number; held: number; dead_letter_depth: number };
  buckets: StatsBucket[];
}

interface AttemptAgg {
  bucket: string | null;
  succeeded: number;
  failed: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const rate = (ok: number, failed: number) => (ok + failed === 0 ? null : ok / (ok + failed));
const ms = (v: number | null) => (v === null ? null : Math.round(Number(v)));

/**
 * The account's (or one endpoint's) figures over the window. Queue and dead-letter depth over time
 * are worked back from the depth now: depth at t = depth now − what arrived after t + what left
 * after t (a delivery leaves the queue with its successful attempt or its dead-lettering). Replays
 * re-enter the queue without a new delivery, so during replays the past depth reads a little low.
 */
export async function accountStats(
  db: Queryable,
  accountId: string,
  options: { window: StatsWindow; endpointId?: string },
): Promise<Stats> {
  const { ms: windowMs, bucketSeconds } = WINDOWS[options.window];
  const endpoint = options.endpointId ?? null;
  const { rows: clock } = await db.query<{ now: Date }>('select now() as now');
  const to = clock[0]!.now;
  // Bucket boundaries are aligned to the bucket size, so two calls a few seconds apart agree.
  const end = Math.floor(to.getTime() / 1000 / bucketSeconds) * bucketSeconds + bucketSeconds;
  const start = end - windowMs / 1000;
  const from = new Date(start * 1000);
  const scope = `d.account_id = $1 and ($2::text is null or d.endpoint_id = $2)`;
  const bucket = `(floor(extract(epoch from %) / $3)::bigint * $3)::text`;
  const params = [accountId, endpoint, bucketSeconds, from];

  const attempts = await db.query<AttemptAgg>(
    `select a.bucket,
            count(*) filter (where a.outcome = 'succeeded')::int as succeeded,
            count(*) filter (where a.outcome = 'failed')::int as failed,
            percentile_cont(0.5) within group (order by a.duration_ms) as p50,
            percentile_cont(0.95) within group (order by a.duration_ms) as p95,
            percentile_cont(0.99) within group (order by a.duration_ms) as p99
       from (select ${bucket.replace('%', 'a.started_at')} as bucket, a.outcome, a.duration_ms
               from delivery_attempts a join deliveries d on d.id = a.delivery_id
              where a.started_at >= $4 and ${scope}) a
      group by grouping sets ((a.bucket), ())`,
    params,
  );
  const arrivals = await db.query<{ bucket: string; created: number; dead: number }>(
    `select b.bucket, sum(b.created)::int as created, sum(b.dead)::int as dead from (
       select ${bucket.replace('%', 'd.created_at')} as bucket, 1 as created, 0 as dead
         from deliveries d where d.created_at >= $4 and ${scope}
       union all
       select ${bucket.replace('%', 'd.dead_at')}, 0, 1
         from deliveries d where d.status = 'dead' and d.dead_at >= $4 and ${scope}
     ) b group by b.bucket`,
    params,
  );
  // Counted per endpoint of the account, from index deliveries_endpoint (endpoint, status) alone:
  // no index has an account's deliveries by status for every status, and one that did would take
  // an entry on each claim and each success (migration 0012). A delivery's account is its
  // endpoint's (both are set from the endpoint row when it is inserted).
  const depth = await db.query<{ status: string; n: number }>(
    `select d.status, count(*)::int as n
       from endpoints ep join deliveries d on d.endpoint_id = ep.id
      where ep.account_id = $1 and ($2::text is null or ep.id = $2)
        and d.status in ('pending', 'delivering', 'held', 'dead')
      group by d.status`,
    [accountId, endpoint],
  );
  const count = (status: string) => depth.rows.find((r) => r.status === status)?.n ?? 0;
  const now = {
    queue_depth: count('pending') + count('delivering') + count('held'),
    held: count('held'),
    dead_letter_depth: count('dead'),
  };

  const byBucket = new Map(attempts.rows.filter((r) => r.bucket !== null).map((r) => [Number(r.bucket), r]));
  const moves = new Map(arrivals.rows.map((r) => [Number(r.bucket), r]));
  const total = attempts.rows.find((r) => r.bucket === null);
  const buckets: StatsBucket[] = [];
  let queue = now.queue_depth;
  let dead = now.dead_letter_depth;
  // Walk back from the newest bucket: the depth at a bucket's end is the depth at the next bucket's
  // end, undone by what happened within the next bucket.
  for (let at = end - bucketSeconds; at >= start; at -= bucketSeconds) {
    const a = byBucket.get(at);
    const m = moves.get(at);
    const succeeded = a?.succeeded ?? 0;
    const failed = a?.failed ?? 0;
    buckets.push({
      at: new Date(at * 1000),
      succeeded,
      failed,
      dead_lettered: m?.dead ?? 0,
      success_rate: rate(succeeded, failed),
      latency_ms: { p50: ms(a?.p50 ?? null), p95: ms(a?.p95 ?? null), p99: ms(a?.p99 ?? null) },
      queue_depth: Math.max(0, queue),
      dead_letter_depth: Math.max(0, dead),
    });
    queue = queue - (m?.created ?? 0) + succeeded + (m?.dead ?? 0);
    dead -= m?.dead ?? 0;
  }
  buckets.reverse();
  const succeeded = total?.succeeded ?? 0;
  const failed = total?.failed ?? 0;
  return {
    from,
    to,
    bucketSeconds,
    totals: {
      succeeded,
      failed,
      dead_lettered: buckets.reduce((n, b) => n + b.dead_lettered, 0),
      success_rate: rate(succeeded, failed),
      latency_ms: { p50: ms(total?.p50 ?? null), p95: ms(total?.p95 ?? null), p99: ms(total?.p99 ?? null) },
    },
    now,
    buckets,
  };
}
