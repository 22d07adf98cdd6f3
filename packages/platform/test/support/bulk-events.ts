import { type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Queryable } from '../../src/db/db.ts';
import { DELIVERIES_CHANNEL } from '../../src/events/publish.ts';

/**
 * Writes `count` events of one type for an account straight into the database, with one delivery
 * per subscribed endpoint, as publishEvent does for one (the same envelope shape and fan-out),
 * then wakes the workers. For fault tests that need thousands of events in well under a second;
 * the API path itself is tested elsewhere. Returns the event ids.
 */
export async function insertEvents(
  db: Queryable,
  input: { accountId: string; type: EventType; data: unknown; count: number },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with ev as (
       insert into events (id, account_id, type, schema_version, body, created_at)
       select g.id, $1, $2, $3,
              json_build_object('id', g.id, 'type', $2::text,
                'created_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'account_id', $1::text, 'schema_version', $3::text, 'data', $4::json)::text,
              now()
         from (select gen_random_uuid() as id from generate_series(1, $5::int)) g
       returning id, account_id, type, created_at
     ), fanout as (
       insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at)
       select gen_random_uuid(), ev.id, e.id, e.account_id, ev.type,
              case when e.status = 'enabled' then 'pending' else 'held' end, ev.created_at, ev.created_at
         from ev join endpoints e on e.account_id = ev.account_id
        where e.deleted_at is null and ev.type = any (e.event_types)
     )
     select id::text as id from ev`,
    [input.accountId, input.type, SCHEMA_VERSION, JSON.stringify(input.data), input.count],
  );
  await db.query('select pg_notify($1, $2)', [DELIVERIES_CHANNEL, '']);
  return rows.map((r) => r.id);
}
