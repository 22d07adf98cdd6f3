import { type Queryable, queryOne } from '@bookflow/pg';

export interface StoredEvent {
  id: string;
  account_id: string;
  type: string;
  schema_version: string;
  body: string | null;
  created_at: Date;
  erased_at: Date | null;
}

export async function getEvent(db: Queryable, accountId: string, id: string): Promise<StoredEvent | null> {
  return queryOne<StoredEvent>(
    db,
    `select id, account_id, type, schema_version, body, created_at, erased_at from events where id = $1 and account_id = $2`,
    [id, accountId],
  );
}
