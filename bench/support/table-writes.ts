// Rows a run wrote, per table, from PostgreSQL's own counters (pg_stat_user_tables) of the run's
// database: read before the worker starts and after it has stopped (its backends gone, so their
// counters are flushed), the difference is what delivering cost in rows. An update that is not HOT
// also writes a new entry in every index of the table, so `updated - hot` counts those.
import pg from 'pg';

export interface TableWrites {
  inserted: number;
  updated: number;
  hot: number;
}

export async function tableWrites(databaseUrl: string): Promise<Map<string, TableWrites>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; ins: string; upd: string; hot: string }>(
      `select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_hot_upd as hot from pg_stat_user_tables`,
    );
    return new Map(
      rows.map((r) => [r.relname, { inserted: Number(r.ins), updated: Number(r.upd), hot: Number(r.hot) }]),
    );
  } finally {
    await client.end();
  }
}

/** after − before, tables that wrote nothing left out. */
export function writesBetween(
  before: Map<string, TableWrites>,
  after: Map<string, TableWrites>,
): Map<string, TableWrites> {
  const out = new Map<string, TableWrites>();
  for (const [table, a] of after) {
    const b = before.get(table) ?? { inserted: 0, updated: 0, hot: 0 };
    const d = { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, hot: a.hot - b.hot };
    if (d.inserted || d.updated) out.set(table, d);
  }
  return out;
}

const settle = () => new Promise((r) => setTimeout(r, 500));

/** Runs `fn` (which must close its own connections) and returns what it wrote in `databaseUrl`. */
export async function countWrites<T>(
  databaseUrl: string,
  fn: () => Promise<T>,
): Promise<{ result: T; writes: Map<string, TableWrites> }> {
  // Backends flush their counters when they exit; give the ones that just closed a moment to.
  await settle();
  const before = await tableWrites(databaseUrl);
  const result = await fn();
  await settle();
  return { result, writes: writesBetween(before, await tableWrites(databaseUrl)) };
}
