/** Everything a worker needs to make one attempt, read in the same statement that leases it. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  accountId: string;
  endpointId: string;
  url: string;
  /** Sealed secrets to sign with: the current one first, plus any still inside a rotation overlap. */
  secrets: string[];
  /** The version the stored body is in (the newest when it was published). */
  schemaVersion: string;
  body: string;
  /** The version the endpoint is pinned to; worker/versioned-body.ts converts the body to it. */
  endpointSchemaVersion: string;
  series: number;
  trigger: 'publish' | 'manual';
  /** 1-based number of the attempt about to be made, within its series. */
  attempt: number;
  scheduledAt: Date;
  eventCreatedAt: Date;
  /**
   * How long to wait before sending: the send slot the endpoint's rate limit handed out, measured
   * on the database clock when the claim ran. 0 for endpoints without a rate limit.
   */
  sendInMs: number;
  /** The endpoint's rate limit in force for this claim (requests per second; 0 = none). */
  rateLimit: number;
  /**
   * Claimed for an endpoint with a rate or concurrency limit (claim-limited.ts): its room is
   * counted in the database, not in the worker's fair shares.
   */
  limited: boolean;
  /** The W3C traceparent stored with the event at publish (null when tracing was off). */
  traceparent: string | null;
}

/** A claimed row as the claim statements return it: CLAIMED_COLUMNS, then send_in_ms, rate_limit and limited. */
export interface ClaimedRow {
  id: string;
  event_id: string;
  event_type: string;
  account_id: string;
  endpoint_id: string;
  url: string;
  secrets: string[];
  schema_version: string;
  body: string;
  endpoint_schema_version: string;
  series: number;
  trigger: 'publish' | 'manual';
  attempt: number;
  scheduled_at: Date;
  event_created_at: Date;
  send_in_ms: number;
  rate_limit: number;
  limited: boolean;
  traceparent: string | null;
}

/** The claim boundary: past it, the worker sees the domain type, never the row. */
export function toClaimedDelivery(row: ClaimedRow): ClaimedDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    accountId: row.account_id,
    endpointId: row.endpoint_id,
    url: row.url,
    secrets: row.secrets,
    schemaVersion: row.schema_version,
    body: row.body,
    endpointSchemaVersion: row.endpoint_schema_version,
    series: row.series,
    trigger: row.trigger,
    attempt: row.attempt,
    scheduledAt: row.scheduled_at,
    eventCreatedAt: row.event_created_at,
    sendInMs: row.send_in_ms,
    rateLimit: row.rate_limit,
    limited: row.limited,
    traceparent: row.traceparent,
  };
}

/** The platform defaults for endpoints that set no limit of their own (0 = unlimited). */
export interface EndpointLimitDefaults {
  rateLimit: number;
  maxConcurrency: number;
}

export const NO_LIMITS: EndpointLimitDefaults = Object.freeze({ rateLimit: 0, maxConcurrency: 0 });

/** The columns of ClaimedRow (but the last three), from `d` (deliveries), `e` (events) and `ep` (endpoints). */
export const CLAIMED_COLUMNS = `d.id, d.event_id, d.event_type, d.account_id, d.endpoint_id, ep.url,
  (select array_agg(s.sealed order by s.id desc) from endpoint_secrets s
    where s.endpoint_id = ep.id and (s.expires_at is null or s.expires_at > now())) as secrets,
  e.schema_version, e.body, ep.schema_version as endpoint_schema_version, d.series, d.trigger, d.attempt_count + 1 as attempt,
  d.next_attempt_at as scheduled_at, e.created_at as event_created_at, e.traceparent`;

/**
 * The lease that ends a claim without a rate or concurrency limit: the ids in the CTE `chosen` go
 * to 'delivering' for `leaseMs` milliseconds, owned by `owner` (a worker's or a listen session's
 * id), and come back as ClaimedRow. `leaseMs` and `owner` are the statement's parameter
 * placeholders ('$2'); `also` adds conditions on `d`, `e` or `ep`.
 */
export function leaseChosenSql(p: { leaseMs: string; owner: string; also?: string }): string {
  return `update deliveries d
     set status = 'delivering',
         lease_expires_at = now() + make_interval(secs => ${p.leaseMs}::double precision / 1000),
         leased_by = ${p.owner},
         updated_at = now()
    from chosen c, events e, endpoints ep
   where d.id = c.id and e.id = d.event_id and ep.id = d.endpoint_id${p.also ? ` and ${p.also}` : ''}
  returning ${CLAIMED_COLUMNS}, 0::float8 as send_in_ms, 0 as rate_limit, false as limited`;
}
