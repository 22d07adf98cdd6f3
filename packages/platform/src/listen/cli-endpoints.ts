import type { Db, Queryable } from '@bookflow/pg';
import { deleteEndpoint } from '../endpoints/endpoints.ts';

/**
 * Moves a 'cli' endpoint's expiry to `ttlMs` from now; called while a CLI holds its stream, so it
 * expires `ttlMs` after the last CLI disconnected. False when it is no longer there.
 */
export async function extendCliEndpoint(db: Queryable, endpointId: string, ttlMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update endpoints set expires_at = now() + make_interval(secs => $2::double precision / 1000)
      where id = $1 and kind = 'cli' and deleted_at is null`,
    [endpointId, ttlMs],
  );
  return rowCount > 0;
}

/**
 * Deletes the 'cli' endpoints past their expiry, as their owner would (deleteEndpoint: waiting
 * deliveries end dead with `endpoint_deleted`). Returns how many.
 */
export async function deleteExpiredCliEndpoints(db: Db): Promise<number> {
  const { rows } = await db.query<{ id: string; account_id: string }>(
    `select id, account_id from endpoints
      where kind = 'cli' and deleted_at is null and expires_at < now()
      limit 1000`,
  );
  let deleted = 0;
  for (const row of rows) if (await deleteEndpoint(db, row.account_id, row.id)) deleted += 1;
  return deleted;
}
