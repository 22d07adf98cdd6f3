import { createHash } from 'node:crypto';
import { type Envelope, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Db, Queryable } from '../db/db.ts';
import { ApiError } from '../errors/catalogue.ts';
import { uuid } from '../ids/ids.ts';

export const DELIVERIES_CHANNEL = 'bookflow_deliveries';

export interface PublishInput {
  accountId: string;
  type: EventType;
  data: unknown;
  idempotencyKey?: string | null;
}

export interface PublishResult {
  id: string;
  /** False when an earlier request with the same Idempotency-Key is being answered again. */
  created: boolean;
  deliveries: number;
}

function requestHash(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\n').update(JSON.stringify(data)).digest('hex');
}

/**
 * The transactional outbox: the event and one delivery per subscribed endpoint are committed
 * together, then idle workers are woken by NOTIFY (sent at commit).
 */
export async function publishEvent(db: Db, input: PublishInput): Promise<PublishResult> {
  const id = uuid();
  const createdAt = new Date();
  const envelope: Envelope = {
    id,
    type: input.type,
    created_at: createdAt.toISOString(),
    account_id: input.accountId,
    schema_version: SCHEMA_VERSION,
    data: input.data as Envelope['data'],
  };
  const hash = input.idempotencyKey ? requestHash(input.type, input.data) : null;
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string }>(
      `insert into events (id, account_id, type, schema_version, body, idempotency_key, request_hash, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (account_id, idempotency_key) where idempotency_key is not null do nothing
       returning id`,
      [
        id,
        input.accountId,
        input.type,
        SCHEMA_VERSION,
        JSON.stringify(envelope),
        input.idempotencyKey ?? null,
        hash,
        createdAt,
      ],
    );
    if (inserted.rowCount === 0) return firstAnswer(tx, input, hash!);
    const fanout = await tx.query(
      `insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at)
       select gen_random_uuid(), $1, e.id, e.account_id, $3,
              case when e.status = 'enabled' then 'pending' else 'held' end, $4, $4
       from endpoints e
       where e.account_id = $2 and e.deleted_at is null and $3 = any (e.event_types)`,
      [id, input.accountId, input.type, createdAt],
    );
    if (fanout.rowCount > 0) await tx.query(`select pg_notify('${DELIVERIES_CHANNEL}', '')`);
    return { id, created: true, deliveries: fanout.rowCount };
  });
}

/** A repeat of an Idempotency-Key gets the first answer, unless it now carries a different request. */
async function firstAnswer(tx: Queryable, input: PublishInput, hash: string): Promise<PublishResult> {
  const { rows } = await tx.query<{ id: string; request_hash: string; deliveries: number }>(
    `select e.id, e.request_hash, (select count(*)::int from deliveries d where d.event_id = e.id) as deliveries
     from events e where e.account_id = $1 and e.idempotency_key = $2`,
    [input.accountId, input.idempotencyKey],
  );
  const first = rows[0]!;
  if (first.request_hash !== hash) {
    throw new ApiError(
      'idempotency_key_reused',
      'this Idempotency-Key was first used with a different type or data; use a new key for a new event',
    );
  }
  return { id: first.id, created: false, deliveries: first.deliveries };
}
