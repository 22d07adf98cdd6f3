import type { Queryable } from '../../db/db.ts';

/** Everything a worker needs to make one attempt, read in the same statement that leases it. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  event_type: string;
  account_id: string;
  endpoint_id: string;
  url: string;
  /** Sealed secrets to sign with: the current one first, plus any still inside a rotation overlap. */
  secrets: string[];
  schema_version: string;
  body: string;
  series: number;
  trigger: 'publish' | 'manual';
  /** 1-based number of the attempt about to be made, within its series. */
  attempt: number;
  scheduled_at: Date;
  event_created_at: Date;
}

/**
 * Leases up to `limit` due deliveries. SKIP LOCKED lets any number of workers claim side by side
 * without waiting on each other's rows; the lease makes a crashed worker's rows come back (reap.ts).
 * Only deliveries to enabled endpoints are claimed, so one that raced an endpoint being disabled
 * waits instead of going out.
 */
export async function claimDue(
  db: Queryable,
  input: { limit: number; leaseMs: number; workerId: string },
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<ClaimedDelivery>(
    `with due as (
       select d.id from deliveries d
       join endpoints ep on ep.id = d.endpoint_id and ep.status = 'enabled'
       where d.status = 'pending' and d.next_attempt_at <= now()
       order by d.next_attempt_at, d.created_at
       limit $1
       for update of d skip locked
     )
     update deliveries d
        set status = 'delivering',
            lease_expires_at = now() + make_interval(secs => $2::double precision / 1000),
            leased_by = $3,
            updated_at = now()
       from due, events e, endpoints ep
      where d.id = due.id and e.id = d.event_id and ep.id = d.endpoint_id
      returning d.id, d.event_id, d.event_type, d.account_id, d.endpoint_id, ep.url,
                (select array_agg(s.sealed order by s.id desc) from endpoint_secrets s
                  where s.endpoint_id = ep.id and (s.expires_at is null or s.expires_at > now())) as secrets,
                e.schema_version, e.body, d.series, d.trigger, d.attempt_count + 1 as attempt,
                d.next_attempt_at as scheduled_at, e.created_at as event_created_at`,
    [input.limit, input.leaseMs, input.workerId],
  );
  return rows;
}
