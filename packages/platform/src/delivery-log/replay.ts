import type { Db } from '@bookflow/pg';
import { notifyWorkers } from '../delivery/queue/notify-workers.ts';
import { takeBulkReplaySlot } from './bulk-replay-limit.ts';
import { type DeliveryFilter, whereClause } from './filters.ts';

/**
 * A replay starts a fresh series of attempts (attempt numbers restart at 1, the full retry
 * schedule applies again) marked as manual; the attempts of earlier series are kept.
 */
const START_SERIES = `status = 'pending', series = series + 1, trigger = 'manual', attempt_count = 0,
  next_attempt_at = now(), dead_at = null, succeeded_at = null, updated_at = now()`;

export type ReplayResult =
  | { ok: true }
  | { ok: false; reason: 'not_found' | 'event_erased' | 'endpoint_disabled' }
  /** The current series (the first, or an earlier replay) has not ended: one series at a time. */
  | { ok: false; reason: 'in_progress'; status: string; series: number; trigger: string };

export async function replayDelivery(db: Db, accountId: string, id: string): Promise<ReplayResult> {
  return db.transaction(async (tx) => {
    // Locked, so two replays of one delivery at once are decided one after the other: the second
    // sees the first's pending series and is refused.
    const { rows } = await tx.query<{
      status: string;
      series: number;
      trigger: string;
      endpoint_status: string;
      erased: boolean;
    }>(
      `select d.status, d.series, d.trigger, ep.status as endpoint_status, e.body is null as erased
         from deliveries d join endpoints ep on ep.id = d.endpoint_id join events e on e.id = d.event_id
        where d.id = $1 and d.account_id = $2 and ep.deleted_at is null for update of d`,
      [id, accountId],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.status === 'pending' || row.status === 'delivering') {
      return {
        ok: false,
        reason: 'in_progress',
        status: row.status,
        series: row.series,
        trigger: row.trigger,
      };
    }
    if (row.erased) return { ok: false, reason: 'event_erased' };
    if (row.endpoint_status !== 'enabled') return { ok: false, reason: 'endpoint_disabled' };
    await tx.query(`update deliveries set ${START_SERIES} where id = $1`, [id]);
    await notifyWorkers(tx);
    return { ok: true };
  });
}

export interface BulkReplayLimits {
  /** Bulk replays per account per minute. */
  perMinute: number;
  /** Deliveries queued per call at most. */
  maxRows: number;
}

export type BulkReplayResult =
  /** `hasMore`: deliveries matching the filter are left over the row cap; call again for them. */
  | { ok: true; queued: number; hasMore: boolean }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/**
 * Replays finished deliveries matching the filter (default: the dead letter) whose endpoint is
 * enabled and whose payload is still there, oldest first, at most `maxRows` per call. Deliveries
 * still in progress or held are left as they are.
 */
export async function replayMatching(
  db: Db,
  accountId: string,
  filter: DeliveryFilter,
  limits: BulkReplayLimits,
): Promise<BulkReplayResult> {
  const status = filter.status ?? 'dead';
  const where = whereClause(accountId, { ...filter, status });
  const replayable = `${where.sql}
    and exists (select 1 from endpoints ep where ep.id = d.endpoint_id and ep.status = 'enabled')
    and exists (select 1 from events e where e.id = d.event_id and e.body is not null)`;
  return db.transaction(async (tx) => {
    const slot = await takeBulkReplaySlot(tx, accountId, limits.perMinute);
    if (!slot.ok) return { ok: false, reason: 'rate_limited', retryAfterSeconds: slot.retryAfterSeconds };
    if (status !== 'dead' && status !== 'succeeded') return { ok: true, queued: 0, hasMore: false };
    const rowsParam = where.params.length + 1;
    const { rowCount } = await tx.query(
      `update deliveries set ${START_SERIES}
        where id in (select d.id from deliveries d where ${replayable}
                      order by d.created_at, d.id limit $${rowsParam} for update of d skip locked)`,
      [...where.params, limits.maxRows],
    );
    // Replayed rows are pending now, so whatever still matches was left over by the cap. Asked as
    // "the first row in the update's order" rather than EXISTS: for EXISTS the planner may pick a
    // scan of the whole table, betting on an early match, which reads every row exactly when
    // nothing is left (the last call of a replay); this walks the index the update walked.
    const { rows } = await tx.query<{ more: boolean }>(
      `select (select d.id from deliveries d where ${replayable}
                order by d.created_at, d.id limit 1) is not null as more`,
      where.params,
    );
    if (rowCount > 0) await notifyWorkers(tx);
    return { ok: true, queued: rowCount, hasMore: rows[0]?.more ?? false };
  });
}
