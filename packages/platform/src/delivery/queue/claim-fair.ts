import type { Queryable } from '@bookflow/pg';
import { asArrays, type ClaimShares } from './claim-shares.ts';
import {
  type ClaimedDelivery,
  type ClaimedRow,
  type EndpointLimitDefaults,
  leaseChosenSql,
  toClaimedDelivery,
} from './claimed-delivery.ts';

/**
 * The claim for endpoints without limits of their own, shared fairly: accounts first, then each
 * account's endpoints, instead of the oldest due rows overall.
 *
 * Each endpoint with due work offers at most what it may still take (its oldest due rows, up to the
 * claim's size and to what the worker's caps leave it), read through `deliveries_endpoint_due`
 * so a large backlog costs one short index range, not a walk of the global due order. Offers are
 * then ranked water-filling style: a row's rank within its endpoint starts after what that
 * endpoint already holds in this worker, and its rank within its account after what the account
 * holds; the claim takes the lowest account ranks first (ties: oldest first). An account with
 * nothing in flight therefore goes ahead of one holding many slots, and among one account's
 * endpoints the idle one goes first; a single busy account still gets every row it offers when
 * nobody else has due work, so an idle platform loses no throughput.
 *
 * Rows offered but not chosen are locked until the statement ends (SKIP LOCKED makes other workers
 * pass them by meanwhile, and they stay pending). Finding the endpoints with due work probes each
 * enabled unlimited endpoint's index range once per claim: cost grows with the number of
 * endpoints, not with the backlog. A skip scan of `deliveries_endpoint_due` (a recursive CTE over
 * distinct endpoint ids) would scale with the endpoints that have pending rows instead; not done
 * while endpoint counts stay in the thousands.
 */
export async function claimFairly(
  db: Queryable,
  input: {
    limit: number;
    leaseMs: number;
    workerId: string;
    defaults: EndpointLimitDefaults;
    shares: ClaimShares;
  },
): Promise<ClaimedDelivery[]> {
  const [endpointIds, endpointHeld] = asArrays(input.shares.endpointHeld);
  const [accountIds, accountHeld] = asArrays(input.shares.accountHeld);
  const { rows } = await db.query<ClaimedRow>(FAIR_CLAIM_SQL, [
    input.limit,
    input.leaseMs,
    input.workerId,
    input.defaults.rateLimit,
    input.defaults.maxConcurrency,
    endpointIds,
    endpointHeld,
    accountIds,
    accountHeld,
    input.shares.endpointCap,
    input.shares.accountCap,
  ]);
  return rows.map(toClaimedDelivery);
}

// $1 most rows, $2 lease ms, $3 worker id, $4/$5 default rate/concurrency, $6/$7 what each endpoint
// holds in this worker, $8/$9 what each account holds, $10 endpoint cap, $11 account cap.
const FAIR_CLAIM_SQL = `
  with endpoint_held as (select * from unnest($6::text[], $7::int[]) as h(id, n)),
  account_held as (select * from unnest($8::text[], $9::int[]) as h(id, n)),
  ready as (
    select ep.id, ep.account_id, coalesce(eh.n, 0) as endpoint_n, coalesce(ah.n, 0) as account_n
      from endpoints ep
      left join endpoint_held eh on eh.id = ep.id
      left join account_held ah on ah.id = ep.account_id
     where ep.status = 'enabled' and ep.kind = 'http'
       and coalesce(ep.rate_limit, $4::int) = 0 and coalesce(ep.max_concurrency, $5::int) = 0
       and coalesce(eh.n, 0) < $10::int and coalesce(ah.n, 0) < $11::int
       and exists (select 1 from deliveries x
                    where x.endpoint_id = ep.id and x.status = 'pending' and x.next_attempt_at <= now())
  ),
  offered as (
    select o.id, o.next_attempt_at, o.created_at, r.account_id, r.account_n,
           r.endpoint_n + row_number() over (partition by r.id order by o.next_attempt_at, o.created_at)
             as endpoint_rank
      from ready r
      cross join lateral (
        select d.id, d.next_attempt_at, d.created_at from deliveries d
         where d.endpoint_id = r.id and d.status = 'pending' and d.next_attempt_at <= now()
         order by d.next_attempt_at, d.created_at
         limit least($1::int, $10::int - r.endpoint_n, $11::int - r.account_n)
         for update skip locked
      ) o
  ),
  ranked as (
    select o.id, o.next_attempt_at, o.created_at,
           o.account_n + row_number() over (partition by o.account_id
                                            order by o.endpoint_rank, o.next_attempt_at, o.created_at)
             as account_rank
      from offered o
  ),
  chosen as (
    select id from ranked
     where account_rank <= $11::int
     order by account_rank, next_attempt_at, created_at
     limit $1
  )
  ${leaseChosenSql({ leaseMs: '$2', owner: '$3' })}`;
