import { type Envelope, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { NOTIFY_WORKERS_SQL } from '../delivery/queue/notify-workers.ts';
import { uuid } from '../ids/ids.ts';
import { requestHash } from './request-hash.ts';

// How every event is stored, the published ones (publish.ts) and the platform's own
// (platform-events/) alike. Kept apart from publishing, which counts usage, so the platform's
// events, emitted while usage is counted, need nothing from the code that calls them.

export interface PublishInput {
  accountId: string;
  type: EventType;
  data: unknown;
  idempotencyKey?: string | null;
  /** 'platform' for the account events the platform produces itself (platform-events/). */
  source?: EventSource;
  /** When the event happened; now when omitted. */
  createdAt?: Date;
  /** The publish span's W3C traceparent, stored so deliveries continue its trace (tracing/). */
  traceparent?: string | null;
}

export type EventSource = 'api' | 'platform';

/** An event ready to insert: its envelope serialised once, the exact bytes every attempt will carry. */
export interface PreparedEvent {
  input: PublishInput;
  id: string;
  body: string;
  createdAt: Date;
  hash: string | null;
}

export function prepare(input: PublishInput): PreparedEvent {
  const id = uuid();
  const createdAt = input.createdAt ?? new Date();
  const envelope: Envelope = {
    id,
    type: input.type,
    created_at: createdAt.toISOString(),
    account_id: input.accountId,
    schema_version: SCHEMA_VERSION,
    data: input.data as Envelope['data'],
  };
  const hash = input.idempotencyKey ? requestHash(input.type, input.data) : null;
  return { input, id, body: JSON.stringify(envelope), createdAt, hash };
}

/** Inserts the events and their deliveries (one statement); answers the inserted ids with their delivery counts. */
export async function insertEvents(db: Queryable, events: PreparedEvent[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; deliveries: number }>(
    `with input as (
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $9::text[], $10::text[])
         with ordinality as u (id, account_id, type, body, idempotency_key, request_hash, created_at, source, traceparent, ord)
     ), ev as (
       insert into events (id, account_id, type, schema_version, body, idempotency_key, request_hash, created_at, source, traceparent)
       select id, account_id, type, $8, body, idempotency_key, request_hash, created_at, source, traceparent from input order by ord
       on conflict (account_id, idempotency_key) where idempotency_key is not null do nothing
       returning id, account_id, type, created_at
     ), fanout as (
       insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at)
       select gen_random_uuid(), ev.id, e.id, e.account_id, ev.type,
              case when e.status = 'enabled' then 'pending' else 'held' end, ev.created_at, ev.created_at
         from ev join endpoints e on e.account_id = ev.account_id
        where e.deleted_at is null and ev.type = any (e.event_types)
       returning event_id, status
     ), wake as (
       ${NOTIFY_WORKERS_SQL} where exists (select 1 from fanout where status = 'pending')
     )
     select ev.id, (select count(*)::int from fanout f where f.event_id = ev.id) as deliveries
       from ev left join wake on true`,
    [
      events.map((e) => e.id),
      events.map((e) => e.input.accountId),
      events.map((e) => e.input.type),
      events.map((e) => e.body),
      events.map((e) => e.input.idempotencyKey ?? null),
      events.map((e) => e.hash),
      events.map((e) => e.createdAt),
      SCHEMA_VERSION,
      events.map((e) => e.input.source ?? 'api'),
      events.map((e) => e.input.traceparent ?? null),
    ],
    // Prepared once per connection: every publish batch runs it, and is not parsed and planned again.
    { name: 'bookflow_insert_events' },
  );
  return new Map(rows.map((r) => [r.id, r.deliveries]));
}
