import type { Queryable } from '@bookflow/pg';

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
  const { rows } = await db.query<StoredEvent>(
    `select id, account_id, type, schema_version, body, created_at, erased_at, source from events where id = $1 and account_id = $2`,
    [id, accountId],
  );
  return rows[0] ?? null;
}
