import type { Queryable } from '@bookflow/pg';
import type { AttemptRow, DeliveryRow } from '../delivery-log/read.ts';
import type { WatermarkSource } from './watermark.ts';

/** What a stream client asked to see; every field narrows it. */
export interface StreamFilter {
  event_type?: string;
  endpoint_id?: string;
  status?: string;
}

/** A new delivery as the stream reads it; `key` is its creation time in microseconds, as text. */
export type DeliveryCreatedRow = Pick<
  DeliveryRow,
  'id' | 'event_id' | 'endpoint_id' | 'event_type' | 'status' | 'trigger' | 'created_at'
> & { key: string };

/** A recorded attempt with the delivery it belongs to, as the stream reads it. */
export type AttemptFinishedRow = Omit<AttemptRow, 'trigger' | 'scheduled_at' | 'response_content_type'> &
  Pick<DeliveryRow, 'event_id' | 'endpoint_id' | 'event_type'> & { delivery_status: string };

/** The filter as SQL conditions on deliveries `d`, parameters numbered from `next`. */
function filterSql(filter: StreamFilter, next: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['d.event_type', filter.event_type],
    ['d.endpoint_id', filter.endpoint_id],
    ['d.status', filter.status],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    parts.push(`${column} = $${next + params.length - 1}`);
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), params };
}

/** The newest attempt id and the database clock in microseconds: where a new stream starts. */
export async function streamHeads(db: Queryable): Promise<{ attempts: number; deliveries: number }> {
  const { rows } = await db.query<{ attempts: string; now_us: string }>(
    `select coalesce((select max(id) from delivery_attempts), 0)::text as attempts,
            (extract(epoch from now()) * 1000000)::bigint::text as now_us`,
  );
  return { attempts: Number(rows[0]!.attempts), deliveries: Number(rows[0]!.now_us) };
}

type Heads = Awaited<ReturnType<typeof streamHeads>>;

/**
 * A source of the account's rows after a watermark, as a Watermark reads them, for one account and
 * filter. `select` writes the query with the filter's conditions; its parameters are $1 the
 * account, $2 after, $3 up to, $4 the limit, then the filter's, and each row carries the `head` it
 * read up to (with no row, the head is read on its own).
 */
function accountRows<Row>(
  spec: Pick<WatermarkSource<Row>, 'key' | 'id'> & {
    select: (filterSql: string) => string;
    emptyHead: (heads: Heads) => number;
  },
): (db: Queryable, accountId: string, filter: StreamFilter) => WatermarkSource<Row> {
  return (db, accountId, filter) => {
    const f = filterSql(filter, 5);
    return {
      key: spec.key,
      id: spec.id,
      async read(after, upTo, limit) {
        const { rows } = await db.query<Row & { head: string }>(spec.select(f.sql), [
          accountId,
          after,
          upTo,
          limit,
          ...f.params,
        ]);
        const head = rows[0]?.head ?? spec.emptyHead(await streamHeads(db));
        return { rows, head: Number(head) };
      },
    };
  };
}

/** New deliveries of the account, keyed by creation time in microseconds (index deliveries_account_created). */
export const deliveriesCreated = accountRows<DeliveryCreatedRow>({
  key: (row) => Number(row.key),
  id: (row) => row.id,
  emptyHead: (heads) => heads.deliveries,
  select: (where) =>
    `with head as (select (extract(epoch from now()) * 1000000)::bigint as us)
       select d.id, d.event_id, d.endpoint_id, d.event_type, d.status, d.trigger, d.created_at,
              (extract(epoch from d.created_at) * 1000000)::bigint::text as key, (select us from head)::text as head
         from deliveries d
        where d.account_id = $1
          and d.created_at > to_timestamp($2::double precision / 1000000)
          and d.created_at <= to_timestamp(coalesce($3::double precision, (select us from head)) / 1000000)${where}
        order by d.created_at, d.id
        limit $4`,
});

/** Attempt results of the account, keyed by the attempt's id. */
export const attemptsFinished = accountRows<AttemptFinishedRow>({
  key: (row) => Number(row.id),
  id: (row) => row.id,
  emptyHead: (heads) => heads.attempts,
  select: (where) =>
    `with head as (select coalesce(max(id), 0) as id from delivery_attempts)
       select a.id::text, a.delivery_id, d.event_id, d.endpoint_id, d.event_type, d.status as delivery_status,
              a.series, a.attempt_number, a.started_at, a.duration_ms, a.outcome, a.status_code, a.error_kind,
              a.error, a.response_body, a.response_body_encoding, a.response_truncated,
              (select id from head)::text as head
         from delivery_attempts a join deliveries d on d.id = a.delivery_id
        where a.id > $2 and a.id <= coalesce($3::bigint, (select id from head))
          and d.account_id = $1${where}
        order by a.id
        limit $4`,
});
