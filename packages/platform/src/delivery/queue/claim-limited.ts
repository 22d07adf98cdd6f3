import type { Db, Queryable } from '@bookflow/pg';
import {
  CLAIMED_COLUMNS,
  type ClaimedDelivery,
  type ClaimedRow,
  type EndpointLimitDefaults,
  toClaimedDelivery,
} from './claimed-delivery.ts';

/**
 * The claim for endpoints with a rate limit or a concurrency limit, exact across worker processes.
 *
 * Concurrency: an endpoint's attempts in flight are its `delivering` rows with a live lease; there
 * is no counter to drift when a worker dies (the lease and the reaper already cover that). Two
 * workers counting at once would both see room for the last slot, so each claim first locks the
 * endpoint rows it will serve (`for no key update skip locked`, statement 1) and only then counts
 * and claims (statement 2, a fresh snapshot under READ COMMITTED that sees every claim committed
 * before the lock was granted). Claims for one endpoint are thus serialised, with no overshoot;
 * a worker never waits for another, it skips the endpoint this round. NO KEY UPDATE does not
 * conflict with the KEY SHARE lock that inserting a delivery takes on its endpoint, so publishing
 * does not block claims. Alternatives considered: a one-statement window claim (count in flight,
 * rank each endpoint's due rows, take what fits) can stay at the limit when connections race (they
 * all go for the same oldest rows and SKIP LOCKED sends the losers away empty; bench/claim-limits.ts
 * races them), but nothing makes it exact: its count is on the statement's snapshot, and
 * it ranks every due row of every limited endpoint on each claim. An in_flight counter column
 * needs every lease, release, reap, replay and delete path to keep it right, and drifts when one
 * forgets. Advisory locks would serialise the same way, keyed on a hash of the id. The rate limit
 * needs a read-modify-write of the endpoint row under a lock anyway; with that lock held, the
 * concurrency count is exact at no extra cost.
 *
 * Rate: GCRA on one column, `endpoints.rate_next_at`, the next free send slot. A claim hands out
 * slots `greatest(rate_next_at, now()) + k / rate` for k = 0, 1, ... while they fall within
 * `rateHorizonMs` from now, and moves `rate_next_at` past the last one, in the same statement and
 * under the same row lock, so slots are unique across processes. The worker waits for each row's
 * slot before sending (its lease runs from the slot). Deliveries beyond the rate simply stay
 * pending: never dropped, never an attempt. The horizon is the worker's polling interval, so a
 * worker that only wakes to poll still keeps a busy endpoint at its full rate; an idle endpoint
 * gets no burst (its first slot is now). Slots use the database clock; the worker is told how
 * long to wait, so clock skew between machines does not matter; within one worker, SendPacer
 * (worker/pacer.ts) keeps the spacing when a timer fires late.
 */

/** Endpoints and accounts a claim passes over this round. */
interface Skipped {
  endpoints: string[];
  accounts: string[];
}

/** Which endpoints count as limited, as SQL over `ep`; $1 and $2 are the default rate and concurrency. */
function limitedPredicate(defaults: EndpointLimitDefaults): string {
  // With both defaults at 0 only endpoints with their own limit qualify: written this way the
  // condition matches the partial index endpoints_limited, so the probe is one small index scan.
  // With a non-zero default every enabled endpoint is limited: the probe then checks each of them
  // (an index probe apiece), and the fast path only serves endpoints that opted out with 0.
  return defaults.rateLimit === 0 && defaults.maxConcurrency === 0
    ? `ep.status = 'enabled' and ep.kind = 'http' and (ep.rate_limit > 0 or ep.max_concurrency > 0)`
    : `ep.status = 'enabled' and ep.kind = 'http' and (coalesce(ep.rate_limit, $1::int) > 0 or coalesce(ep.max_concurrency, $2::int) > 0)`;
}

/**
 * Limited endpoints with a due delivery and, as far as this snapshot can tell, room under both
 * limits; oldest due work first. $3 is the rate horizon (ms), $4 the most endpoints wanted, $5 and
 * $6 the endpoints and accounts at the claiming worker's caps (skipped: see claim-shares.ts).
 */
function readySql(defaults: EndpointLimitDefaults, lock: boolean): string {
  return `select ep.id from endpoints ep
    cross join lateral (
      select d.next_attempt_at from deliveries d
       where d.endpoint_id = ep.id and d.status = 'pending'
       order by d.next_attempt_at, d.created_at limit 1
    ) oldest
    where ${limitedPredicate(defaults)}
      and oldest.next_attempt_at <= now()
      and ep.id <> all($5::text[]) and ep.account_id <> all($6::text[])
      and (coalesce(ep.max_concurrency, $2::int) = 0
           or (select count(*) from deliveries x
                where x.endpoint_id = ep.id and x.status = 'delivering' and x.lease_expires_at > now())
              < coalesce(ep.max_concurrency, $2::int))
      and (coalesce(ep.rate_limit, $1::int) = 0 or ep.rate_next_at is null
           or ep.rate_next_at <= now() + make_interval(secs => $3::double precision / 1000))
    order by oldest.next_attempt_at
    limit $4
    ${lock ? 'for no key update of ep skip locked' : ''}`;
}

/** A lock-free probe, so workers with no limited endpoint to serve skip the transaction below. */
export async function hasLimitedEndpointsReady(
  db: Queryable,
  defaults: EndpointLimitDefaults,
  rateHorizonMs: number,
  skip: Skipped,
): Promise<boolean> {
  const { rows } = await db.query(readySql(defaults, false), [
    defaults.rateLimit,
    defaults.maxConcurrency,
    rateHorizonMs,
    1,
    skip.endpoints,
    skip.accounts,
  ]);
  return rows.length > 0;
}

export async function claimForLimitedEndpoints(
  db: Db,
  input: {
    limit: number;
    leaseMs: number;
    workerId: string;
    defaults: EndpointLimitDefaults;
    rateHorizonMs: number;
    skip: Skipped;
  },
): Promise<ClaimedDelivery[]> {
  const { defaults } = input;
  return db.transaction(async (tx) => {
    const locked = await tx.query<{ id: string }>(readySql(defaults, true), [
      defaults.rateLimit,
      defaults.maxConcurrency,
      input.rateHorizonMs,
      input.limit,
      input.skip.endpoints,
      input.skip.accounts,
    ]);
    if (locked.rows.length === 0) return [];
    const { rows } = await tx.query<ClaimedRow>(CLAIM_SQL, [
      locked.rows.map((r) => r.id),
      input.limit,
      input.leaseMs,
      input.workerId,
      defaults.rateLimit,
      defaults.maxConcurrency,
      input.rateHorizonMs,
    ]);
    return rows.map(toClaimedDelivery);
  });
}

// $1 locked endpoint ids, $2 most rows, $3 lease ms, $4 worker id, $5/$6 default rate/concurrency,
// $7 rate horizon ms. Each endpoint's room is the smaller of its free concurrency and the send slots
// inside the horizon; rows are then taken round-robin across endpoints (n = rank within its
// endpoint), oldest first, up to $2.
const CLAIM_SQL = `
  with ep as (
    select e.id,
           coalesce(e.max_concurrency, $6::int) as max_concurrency,
           coalesce(e.rate_limit, $5::int) as rate_limit,
           greatest(e.rate_next_at, now()) as first_slot
      from endpoints e
     where e.id = any($1::text[]) and e.status = 'enabled'
  ),
  room as (
    select ep.*, least(
             $2::int,
             case when ep.max_concurrency = 0 then $2::int
                  else ep.max_concurrency - (select count(*)::int from deliveries x
                                              where x.endpoint_id = ep.id and x.status = 'delivering'
                                                and x.lease_expires_at > now()) end,
             case when ep.rate_limit = 0 then $2::int
                  else floor(extract(epoch from (now() + make_interval(secs => $7::double precision / 1000)
                                                 - ep.first_slot)) * ep.rate_limit)::int + 1 end
           ) as room
      from ep
  ),
  picked as (
    select p.id, p.endpoint_id, p.next_attempt_at, p.created_at, r.rate_limit, r.first_slot,
           row_number() over (partition by p.endpoint_id order by p.next_attempt_at, p.created_at) as n
      from room r
      cross join lateral (
        select d.id, d.endpoint_id, d.next_attempt_at, d.created_at from deliveries d
         where d.endpoint_id = r.id and d.status = 'pending' and d.next_attempt_at <= now()
         order by d.next_attempt_at, d.created_at
         limit greatest(r.room, 0)
         for update skip locked
      ) p
  ),
  chosen as (
    select c.id, c.endpoint_id, c.rate_limit,
           case when c.rate_limit = 0 then now()
                else c.first_slot + make_interval(secs => (c.n - 1)::double precision / c.rate_limit) end as send_at
      from (select * from picked order by n, next_attempt_at, created_at limit $2) c
  ),
  paced as (
    update endpoints e
       set rate_next_at = s.last_slot + make_interval(secs => 1.0::double precision / s.rate_limit)
      from (select endpoint_id, max(send_at) as last_slot, max(rate_limit) as rate_limit
              from chosen group by endpoint_id) s
     where e.id = s.endpoint_id and s.rate_limit > 0
  ),
  claimed as (
    update deliveries d
       set status = 'delivering',
           lease_expires_at = c.send_at + make_interval(secs => $3::double precision / 1000),
           leased_by = $4,
           updated_at = now()
      from chosen c
     where d.id = c.id
    returning d.*, c.send_at, c.rate_limit
  )
  select ${CLAIMED_COLUMNS},
         greatest(0, extract(epoch from (d.send_at - clock_timestamp())) * 1000)::float8 as send_in_ms,
         d.rate_limit, true as limited
    from claimed d
    join events e on e.id = d.event_id
    join endpoints ep on ep.id = d.endpoint_id
   order by d.send_at`;
