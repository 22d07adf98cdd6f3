import { type Db, defineMigrations, type Queryable } from '@bookflow/pg';

/**
 * The connectors' own tables in the receiver's database (PostgreSQL or PGlite), with their own
 * migration history beside the receiver kit's.
 */
export const connectorMigrations = defineMigrations({
  dir: new URL('./migrations/', import.meta.url),
  table: 'bookflow_connectors_migrations',
  lockKey: 0x626b_666c_636f,
});

export interface CrmObject {
  crmId: string;
  /** The event time of the newest state written to the record, when one was. */
  stateAt: Date | null;
}

export type CrmName = 'hubspot' | 'salesforce';

/** What the CRM connectors remember of the records they made, by BookFlow id. */
export class CrmObjects {
  constructor(
    private readonly db: Db,
    private readonly crm: CrmName,
  ) {}

  static async open(db: Db, crm: CrmName): Promise<CrmObjects> {
    await connectorMigrations.migrate(db);
    return new CrmObjects(db, crm);
  }

  async find(kind: string, bookflowId: string, tx: Queryable = this.db): Promise<CrmObject | null> {
    const { rows } = await tx.query<{ crm_id: string; state_at: Date | string | null }>(
      'SELECT crm_id, state_at FROM bookflow_crm_objects WHERE crm = $1 AND kind = $2 AND bookflow_id = $3',
      [this.crm, kind, bookflowId],
    );
    const row = rows[0];
    return row ? { crmId: row.crm_id, stateAt: row.state_at === null ? null : new Date(row.state_at) } : null;
  }

  async save(kind: string, bookflowId: string, object: CrmObject, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `INSERT INTO bookflow_crm_objects (crm, kind, bookflow_id, crm_id, state_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (crm, kind, bookflow_id) DO UPDATE SET crm_id = excluded.crm_id, state_at = excluded.state_at, updated_at = now()`,
      [this.crm, kind, bookflowId, object.crmId, object.stateAt?.toISOString() ?? null],
    );
  }

  /**
   * Runs `fn` holding a lock on one BookFlow object, so two events about the same meeting (a
   * booking and its reschedule handled at once by two workers) never both create its record.
   * The lock is a transaction-level advisory lock, released at commit or when the process dies.
   */
  withLock<T>(kind: string, bookflowId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `${this.crm}/${kind}/${bookflowId}`,
      ]);
      return fn(tx);
    });
  }
}
