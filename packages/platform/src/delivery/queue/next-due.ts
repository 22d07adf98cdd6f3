import type { Queryable } from '@bookflow/pg';
import type { EndpointLimitDefaults } from './claimed-delivery.ts';

/**
 * Milliseconds until the worker may find something to claim (0 if now), or null when nothing waits.
 * Due deliveries of limited endpoints are left out: they are due but wait on a limit, and counting
 * them would make an idle worker poll in a tight loop. Room under a concurrency limit comes back
 * when an attempt ends (the worker wakes itself; another process's attempts are seen at the next
 * poll), and rate slots are handed out a polling interval ahead, so polling keeps the pace.
 * Written as order-by-limit-1 rather than min() so it walks deliveries_due and stops at the first hit.
 */
export async function msUntilNextClaimable(
  db: Queryable,
  defaults: EndpointLimitDefaults,
): Promise<number | null> {
  const { rows } = await db.query<{ ms: number }>(
    `select greatest(0, extract(epoch from (d.next_attempt_at - now())) * 1000)::float8 as ms
       from deliveries d
       join endpoints ep on ep.id = d.endpoint_id and ep.status = 'enabled' and ep.kind = 'http'
      where d.status = 'pending'
        and (d.next_attempt_at > now()
             or (coalesce(ep.rate_limit, $1::int) = 0 and coalesce(ep.max_concurrency, $2::int) = 0))
      order by d.next_attempt_at, d.created_at
      limit 1`,
    [defaults.rateLimit, defaults.maxConcurrency],
  );
  return rows[0]?.ms ?? null;
}
