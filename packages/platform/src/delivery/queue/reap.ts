import type { Queryable } from '@bookflow/pg';

/**
 * Returns deliveries whose lease ran out (their worker died or hung) to the queue, due at once.
 * The attempt was never recorded, so the attempt number is not consumed.
 */
export async function reapExpiredLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'pending', next_attempt_at = now(), lease_expires_at = null, leased_by = null,
            updated_at = now()
      where status = 'delivering' and lease_expires_at < now()`,
  );
  return rowCount;
}

/** Milliseconds until the earliest pending delivery is due (0 if one is due), or null when none waits. */
export async function msUntilNextDue(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ ms: number | null }>(
    `select greatest(0, extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms
       from deliveries where status = 'pending'`,
  );
  return rows[0]?.ms ?? null;
}
