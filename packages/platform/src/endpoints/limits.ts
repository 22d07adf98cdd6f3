import { type Queryable, queryOne } from '@bookflow/pg';
import { notifyWorkers } from '../delivery/queue/notify-workers.ts';

/**
 * Per-endpoint delivery limits, enforced by the worker across processes
 * (delivery/queue/claim-limited.ts). For both: null = the platform default
 * (BOOKFLOW_ENDPOINT_RATE_LIMIT, BOOKFLOW_ENDPOINT_MAX_CONCURRENCY), 0 = unlimited.
 */
export interface EndpointLimits {
  /** Most requests per second. */
  rate_limit: number | null;
  /** Most attempts in flight at once. */
  max_concurrency: number | null;
}

export interface EndpointHealth extends EndpointLimits {
  /** Start of the current run of failed attempts; null after a success. */
  failing_since: Date | null;
}

export const MAX_RATE_LIMIT = 10_000;
export const MAX_MAX_CONCURRENCY = 1_000;

/** JSON Schema of the two settings, for the body of POST and PATCH /v1/endpoints. */
export const ENDPOINT_LIMIT_PROPERTIES = {
  rate_limit: { type: ['integer', 'null'], minimum: 0, maximum: MAX_RATE_LIMIT },
  max_concurrency: { type: ['integer', 'null'], minimum: 0, maximum: MAX_MAX_CONCURRENCY },
} as const;

/**
 * Sets either limit (a field left undefined keeps its value, null returns it to the default).
 * Scoped to the account like every endpoint query; returns null when the endpoint is not found.
 * Wakes the workers, since a raised limit can make waiting deliveries claimable at once.
 */
export async function setEndpointLimits(
  tx: Queryable,
  accountId: string,
  id: string,
  limits: Partial<EndpointLimits>,
): Promise<EndpointHealth | null> {
  const { rows } = await tx.query<EndpointHealth>(
    `update endpoints
        set rate_limit = case when $3 then $4::int else rate_limit end,
            max_concurrency = case when $5 then $6::int else max_concurrency end,
            updated_at = now()
      where id = $1 and account_id = $2 and deleted_at is null
      returning rate_limit, max_concurrency, failing_since`,
    [
      id,
      accountId,
      limits.rate_limit !== undefined,
      limits.rate_limit ?? null,
      limits.max_concurrency !== undefined,
      limits.max_concurrency ?? null,
    ],
  );
  if (rows.length > 0) await notifyWorkers(tx);
  return rows[0] ?? null;
}

export async function getEndpointHealth(
  db: Queryable,
  accountId: string,
  id: string,
): Promise<EndpointHealth | null> {
  return queryOne<EndpointHealth>(
    db,
    `select rate_limit, max_concurrency, failing_since from endpoints
      where id = $1 and account_id = $2 and deleted_at is null`,
    [id, accountId],
  );
}
