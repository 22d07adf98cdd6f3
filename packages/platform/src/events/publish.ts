import { type Envelope, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Db, Queryable } from '@bookflow/pg';
import { NOTIFY_WORKERS_SQL } from '../delivery/queue/notify-workers.ts';
import { uuid } from '../ids/ids.ts';
import { countUsage, usageOf } from '../usage/count-usage.ts';
import { legacyRequestHash, requestHash } from './request-hash.ts';

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

export interface Published {
  id: string;
  /** False when an earlier request with the same Idempotency-Key is being answered again. */
  created: boolean;
  deliveries: number;
}

/** Why an event was not stored; the same request would be refused again. */
export type PublishRefusal =
  /** The Idempotency-Key was first used with a different type or data. */
  | { reason: 'idempotency_key_reused' }
  /** The database refused the row itself (db/refusal.ts): `sqlstate` and its message say why. */
  | { reason: 'event_refused'; sqlstate: string; message: string };

export type PublishResult = ({ ok: true } & Published) | ({ ok: false } & PublishRefusal);

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

/**
 * The transactional outbox, for one event or many: each event and one delivery per subscribed
 * endpoint (held when the endpoint is disabled) are inserted by one statement, so they commit
 * together, in one round trip, with the NOTIFY that wakes idle workers (delivered at commit).
 * An event whose Idempotency-Key was used before is not inserted; its first answer is returned.
 * A batch holding a call.ended is written in a transaction that also counts its minutes (usage/),
 * so usage cannot drift from the stored events.
 */
export async function publishEvents(
  db: Queryable,
  inputs: PublishInput[],
): Promise<PromiseSettledResult<PublishResult>[]> {
  const events = inputs.map(prepare);
  const inserted = events.some((e) => e.input.type === 'call.ended')
    ? await inTransaction(db, async (tx) => {
        const counts = await insertEvents(tx, events);
        await countUsage(tx, usageOf(events, counts));
        return counts;
      })
    : await insertEvents(db, events);
  // Settled one by one: the statement has committed, so a repeat's problem (a reused key) is that
  // request's answer alone and must not turn the others' committed events into errors.
  return Promise.allSettled(
    events.map((e) =>
      inserted.has(e.id)
        ? { ok: true, id: e.id, created: true, deliveries: inserted.get(e.id)! }
        : firstAnswer(db, e.input, e.hash!),
    ),
  );
}

/** A Db opens a transaction; any other Queryable is taken to be the caller's own transaction. */
function inTransaction<T>(db: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? (db as Db).transaction(fn) : fn(db);
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

/** A repeat of an Idempotency-Key gets the first answer, unless it now carries a different request. */
async function firstAnswer(db: Queryable, input: PublishInput, hash: string): Promise<PublishResult> {
  const { rows } = await db.query<{ id: string; request_hash: string; deliveries: number }>(
    `select e.id, e.request_hash, (select count(*)::int from deliveries d where d.event_id = e.id) as deliveries
     from events e where e.account_id = $1 and e.idempotency_key = $2`,
    [input.accountId, input.idempotencyKey],
  );
  const first = rows[0]!;
  if (first.request_hash !== hash && first.request_hash !== legacyRequestHash(input.type, input.data)) {
    return { ok: false, reason: 'idempotency_key_reused' };
  }
  return { ok: true, id: first.id, created: false, deliveries: first.deliveries };
}
