import type { Queryable } from '@bookflow/pg';

/**
 * For a claimed delivery that waited for its rate-limit send slot: if its endpoint was deleted
 * meanwhile, ends it dead ('endpoint_deleted') without an attempt and answers true, so nothing is
 * sent to an endpoint after its delete returned. Checking and ending in one statement leaves no
 * gap between the two. Deliveries sent at once after their claim skip this round trip.
 */
export async function endIfEndpointDeleted(db: Queryable, id: string, workerId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update deliveries d
        set status = 'dead', dead_at = now(), dead_reason = 'endpoint_deleted', last_error = 'endpoint deleted',
            lease_expires_at = null, leased_by = null, updated_at = now()
       from endpoints ep
      where d.id = $1 and d.status = 'delivering' and d.leased_by = $2 and ep.id = d.endpoint_id
        and ep.deleted_at is not null`,
    [id, workerId],
  );
  return rowCount > 0;
}
