import type { Queryable } from '@bookflow/pg';
import { type DeliveryFilter, whereClause } from './filters.ts';

export interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  status: string;
  series: number;
  trigger: string;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  succeeded_at: Date | null;
  dead_at: Date | null;
}

export interface AttemptRow {
  delivery_id: string;
  series: number;
  attempt_number: number;
  trigger: string;
  scheduled_at: Date | null;
  started_at: Date;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  error_kind: string | null;
  error: string | null;
  response_body: string | null;
  response_truncated: boolean;
}

const COLUMNS = `d.id, d.event_id, d.endpoint_id, d.event_type, d.status, d.series, d.trigger, d.attempt_count,
  d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at, d.succeeded_at, d.dead_at`;

export async function getDelivery(db: Queryable, accountId: string, id: string): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries d where d.id = $1 and d.account_id = $2`,
    [id, accountId],
  );
  return rows[0] ?? null;
}

export async function deliveriesOfEvent(
  db: Queryable,
  accountId: string,
  eventId: string,
): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries d where d.event_id = $1 and d.account_id = $2 order by d.created_at, d.id`,
    [eventId, accountId],
  );
  return rows;
}

/** Keyset pagination, newest first: `before` is the (created_at, id) of the last row of the previous page. */
export async function listDeliveries(
  db: Queryable,
  accountId: string,
  filter: DeliveryFilter,
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<DeliveryRow[]> {
  const where = whereClause(accountId, filter);
  const params = [...where.params];
  let cursor = '';
  if (page.before) {
    params.push(page.before.createdAt, page.before.id);
    cursor = ` and (d.created_at, d.id) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(page.limit);
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries d where ${where.sql}${cursor}
     order by d.created_at desc, d.id desc limit $${params.length}`,
    params,
  );
  return rows;
}

/** Every attempt of the given deliveries (all series), oldest first. */
export async function attemptsOf(db: Queryable, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const { rows } = await db.query<AttemptRow>(
    `select delivery_id, series, attempt_number, trigger, scheduled_at, started_at, duration_ms, outcome, status_code,
            error_kind, error, response_body, response_truncated
       from delivery_attempts where delivery_id = any ($1::uuid[]) order by id`,
    [deliveryIds],
  );
  return rows;
}
