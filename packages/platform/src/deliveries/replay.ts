import type { Db } from '@bookflow/pg';
import { ApiError } from '../errors/catalogue.ts';
import { DELIVERIES_CHANNEL } from '../events/publish.ts';
import { type DeliveryFilter, whereClause } from './filters.ts';

/**
 * A replay starts a fresh series of attempts (attempt numbers restart at 1, the full retry
 * schedule applies again) marked as manual; the attempts of earlier series are kept.
 */
const START_SERIES = `status = 'pending', series = series + 1, trigger = 'manual', attempt_count = 0,
  next_attempt_at = now(), dead_at = null, succeeded_at = null, updated_at = now()`;

export async function replayDelivery(db: Db, accountId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string; endpoint_status: string; erased: boolean }>(
      `select d.status, ep.status as endpoint_status, e.body is null as erased
         from deliveries d join endpoints ep on ep.id = d.endpoint_id join events e on e.id = d.event_id
        where d.id = $1 and d.account_id = $2 and ep.deleted_at is null for update of d`,
      [id, accountId],
    );
    const row = rows[0];
    if (!row) return false;
    if (row.status === 'pending' || row.status === 'delivering') {
      throw new ApiError(
        'delivery_in_progress',
        `the delivery is ${row.status}; it cannot be replayed until it ends`,
      );
    }
    if (row.erased)
      throw new ApiError('event_erased', 'the event payload was erased; there is nothing to send');
    if (row.endpoint_status !== 'enabled') {
      throw new ApiError(
        'endpoint_disabled',
        'the endpoint is disabled; enable it (PATCH enabled: true) to release its held deliveries',
      );
    }
    await tx.query(`update deliveries set ${START_SERIES} where id = $1`, [id]);
    await tx.query(`select pg_notify('${DELIVERIES_CHANNEL}', '')`);
    return true;
  });
}

/**
 * Replays every finished delivery matching the filter (default: the dead letter) whose endpoint is
 * enabled. Deliveries still in progress or held are left as they are. Returns how many were queued.
 */
export async function replayMatching(db: Db, accountId: string, filter: DeliveryFilter): Promise<number> {
  const status = filter.status ?? 'dead';
  if (status !== 'dead' && status !== 'succeeded') return 0;
  const where = whereClause(accountId, { ...filter, status });
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `update deliveries d set ${START_SERIES}
        where ${where.sql}
          and exists (select 1 from endpoints ep where ep.id = d.endpoint_id and ep.status = 'enabled')
          and exists (select 1 from events e where e.id = d.event_id and e.body is not null)`,
      where.params,
    );
    if (rowCount > 0) await tx.query(`select pg_notify('${DELIVERIES_CHANNEL}', '')`);
    return rowCount;
  });
}
