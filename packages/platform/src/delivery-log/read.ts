import { type Queryable, queryOne } from '@bookflow/pg';
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
  dead_reason: string | null;
}

export interface AttemptRow {
  /** bigserial, as text: it only orders attempts and keys the attempts cursor. */
  id: string;
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
  response_body_encoding: string | null;
  response_content_type: string | null;
  response_truncated: boolean;
}

const COLUMNS = `d.id, d.event_id, d.endpoint_id, d.event_type, d.status, d.series, d.trigger, d.attempt_count,
  d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at, d.succeeded_at, d.dead_at,
  d.dead_reason`;

export async function getDelivery(db: Queryable, accountId: string, id: string): Promise<DeliveryRow | null> {
  return queryOne<DeliveryRow>(
    db,
    `select ${COLUMNS} from deliveries d where d.id = $1 and d.account_id = $2`,
    [id, accountId],
  );
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
    // Compared with the row the cursor names, not with the time in the cursor: PostgreSQL keeps
    // microseconds and a JS Date only milliseconds, so rows created in the same millisecond (one
    // publish batch shares its transaction time) would otherwise be skipped.
    params.push(page.before.id);
    cursor = ` and (d.created_at, d.id) < (select c.created_at, c.id from deliveries c
                                            where c.id = $${params.length}::uuid and c.account_id = $1)`;
  }
  params.push(page.limit);
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries d where ${where.sql}${cursor}
     order by d.created_at desc, d.id desc limit $${params.length}`,
    params,
  );
  return rows;
}

const ATTEMPT_COLUMNS = `id::text as id, delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
  duration_ms, outcome, status_code, error_kind, error, response_body, response_body_encoding, response_content_type,
  response_truncated`;

/** The newest `perDelivery` attempts of each given delivery (oldest first), with each delivery's total. */
export async function recentAttemptsOf(
  db: Queryable,
  deliveryIds: string[],
  perDelivery: number,
): Promise<RecentAttempts> {
  if (deliveryIds.length === 0) return { attempts: [], totals: new Map() };
  const { rows } = await db.query<AttemptRow & { total: number }>(
    `select * from (
       select ${ATTEMPT_COLUMNS},
              row_number() over (partition by delivery_id order by delivery_attempts.id desc) as newest_rank,
              count(*) over (partition by delivery_id)::int as total
         from delivery_attempts where delivery_id = any ($1::uuid[])
     ) ranked
     where newest_rank <= $2 order by id::bigint`,
    [deliveryIds, perDelivery],
  );
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.delivery_id, row.total);
  return { attempts: rows.map(({ total: _total, ...attempt }) => attempt as AttemptRow), totals };
}

export interface RecentAttempts {
  /** Oldest first, at most the requested number per delivery. */
  attempts: AttemptRow[];
  /** Attempts each delivery has in all (deliveries with none are absent). */
  totals: Map<string, number>;
}

/** One page of a delivery's attempts, newest first; `beforeId` is the id of the last one already shown. */
export async function attemptsPage(
  db: Queryable,
  deliveryId: string,
  page: { limit: number; beforeId?: string },
): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from delivery_attempts
      where delivery_id = $1 and ($2::bigint is null or delivery_attempts.id < $2::bigint)
      order by delivery_attempts.id desc limit $3`,
    [deliveryId, page.beforeId ?? null, page.limit],
  );
  return rows;
}
