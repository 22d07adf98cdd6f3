import type { Queryable } from '@bookflow/pg';
import {
  type ClaimedDelivery,
  type ClaimedRow,
  leaseChosenSql,
  toClaimedDelivery,
} from '../delivery/queue/claimed-delivery.ts';

/**
 * Leases up to `limit` due deliveries of one 'cli' endpoint for a listen session (its id is the
 * lease owner, like a worker's), oldest first. The same lease as a worker's claim: the reaper
 * returns them if the session's process dies, and the attempt is recorded by the same code.
 * Delivery workers never claim 'cli' endpoints (their claims require kind 'http').
 */
export async function claimForCliEndpoint(
  db: Queryable,
  input: { endpointId: string; limit: number; leaseMs: number; sessionId: string },
): Promise<ClaimedDelivery[]> {
  if (input.limit <= 0) return [];
  const { rows } = await db.query<ClaimedRow>(
    `with chosen as (
       select d.id from deliveries d
        where d.endpoint_id = $1 and d.status = 'pending' and d.next_attempt_at <= now()
        order by d.next_attempt_at, d.created_at
        limit $2
        for update skip locked
     )
     ${leaseChosenSql({
       leaseMs: '$3',
       owner: '$4',
       also: "ep.kind = 'cli' and ep.status = 'enabled' and ep.deleted_at is null",
     })}`,
    [input.endpointId, input.limit, input.leaseMs, input.sessionId],
  );
  return rows.map(toClaimedDelivery);
}

/**
 * Hands deliveries the CLI never answered (it disconnected) back to the queue as due now, with no
 * attempt recorded: they go out again as soon as a CLI holds the endpoint again.
 */
export async function releaseToQueue(
  db: Queryable,
  ids: readonly string[],
  sessionId: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `update deliveries set status = 'pending', lease_expires_at = null, leased_by = null, updated_at = now()
      where id = any($1::uuid[]) and status = 'delivering' and leased_by = $2`,
    [ids, sessionId],
  );
  return rowCount;
}
