import type { Db, Queryable } from '@bookflow/pg';
import { countUsage, usageOf } from '../usage/count-usage.ts';
import { insertEvents, type PublishInput, prepare } from './outbox.ts';
import { legacyRequestHash } from './request-hash.ts';

export type { PublishInput } from './outbox.ts';

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
