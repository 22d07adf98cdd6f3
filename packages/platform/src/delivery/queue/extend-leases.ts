import type { Queryable } from '@bookflow/pg';

/**
 * Renews the leases of deliveries this worker is still working on (waiting for a send slot or a
 * socket of their origin, on the wire, or being recorded), so a lease runs out only when its worker
 * has stopped renewing it: the worker died or hung. Without this, an attempt that waited inside a
 * live worker longer than the lease was reaped and sent a second time by another claim. Never
 * shortens a lease (a rate-limited claim's lease starts at its future send slot).
 */
export async function extendLeases(
  db: Queryable,
  input: { ids: readonly string[]; workerId: string; leaseMs: number },
): Promise<number> {
  if (input.ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `update deliveries
        set lease_expires_at = greatest(lease_expires_at, now() + make_interval(secs => $3::double precision / 1000))
      where id = any($1::uuid[]) and status = 'delivering' and leased_by = $2`,
    [input.ids, input.workerId, input.leaseMs],
  );
  return rowCount;
}
