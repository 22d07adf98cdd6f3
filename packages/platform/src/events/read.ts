import { type Queryable, queryOne } from '@bookflow/pg';

export interface StoredEvent {
  id: string;
  account_id: string;
  type: string;
  schema_version: string;
  body: string | null;
  created_at: Date;
  erased_at: Date | null;
  /** 'api' when a caller published it, 'platform' for usage.threshold and trial.ending. */
  source: 'api' | 'platform';
}

export async function getEvent(db: Queryable, accountId: string, id: string): Promise<StoredEvent | null> {
  return queryOne<StoredEvent>(
    db,
    `select id, account_id, type, schema_version, body, created_at, erased_at, source from events where id = $1 and account_id = $2`,
    [id, accountId],
  );
}

export interface EventSummary {
  id: string;
  type: string;
  schema_version: string;
  created_at: Date;
  erased_at: Date | null;
}

/**
 * The account's events, newest first, without their payloads; keyset pagination on
 * (created_at, id) through events_account_created. `before` is the last row of the previous page.
 */
export async function listEvents(
  db: Queryable,
  accountId: string,
  filter: { type?: string; since?: string; until?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<EventSummary[]> {
  const params: unknown[] = [accountId, page.limit];
  const where = ['account_id = $1'];
  if (filter.type) where.push(`type = $${params.push(filter.type)}`);
  if (filter.since) where.push(`created_at >= $${params.push(filter.since)}::timestamptz`);
  if (filter.until) where.push(`created_at < $${params.push(filter.until)}::timestamptz`);
  if (page.before) {
    // Compared with the row the cursor names: the cursor's time has milliseconds only.
    const id = params.push(page.before.id);
    where.push(
      `(created_at, id) < (select c.created_at, c.id from events c where c.id = $${id} and c.account_id = $1)`,
    );
  }
  const { rows } = await db.query<EventSummary>(
    `select id, type, schema_version, created_at, erased_at from events
      where ${where.join(' and ')}
      order by created_at desc, id desc limit $2`,
    params,
  );
  return rows;
}
