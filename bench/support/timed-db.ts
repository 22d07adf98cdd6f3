// Wraps the platform's Db to time every statement, so a run can say where the worker's database
// time goes (claim, attempt record, ...) and what one claim costs at each backlog size. Statements
// are grouped by their first words; the wrapper adds one performance.now() pair per query.
import type { Db, Queryable } from '@bookflow/pg';
import { type Summary, summarize } from './stats.ts';

export interface StatementTiming extends Summary {
  statement: string;
  totalMs: number;
}

export const CLAIMS = '(all claims: statements with SKIP LOCKED)';
export const TRANSACTIONS = '(whole transactions, pool wait + BEGIN to COMMIT)';

/** "with due as ( select d.id from deliveries d join endpoints…" -> a short stable label. */
function label(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 72);
}

export function timeDb(db: Db) {
  const samples = new Map<string, number[]>();
  const add = (key: string, ms: number) => {
    const list = samples.get(key);
    if (list) list.push(ms);
    else samples.set(key, [ms]);
  };
  const record = (sql: string, ms: number) => {
    add(label(sql), ms);
    // Every claim, whatever its shape: the queue claims with FOR UPDATE SKIP LOCKED, and nothing else does.
    if (/skip locked/i.test(sql)) add(CLAIMS, ms);
  };
  const timed = (target: Queryable): Queryable => ({
    async query(sql, params) {
      const start = performance.now();
      try {
        return await target.query(sql, params);
      } finally {
        record(sql, performance.now() - start);
      }
    },
    exec: (sql) => target.exec(sql),
  });
  const wrapped: Db = {
    ...timed(db),
    async transaction(fn) {
      const start = performance.now();
      try {
        return await db.transaction((tx) => fn(timed(tx)));
      } finally {
        add(TRANSACTIONS, performance.now() - start);
      }
    },
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    /** Every statement group, most total time first; clears the samples. */
    report(): StatementTiming[] {
      const out = [...samples].map(([statement, list]) => ({
        statement,
        totalMs: list.reduce((a, b) => a + b, 0),
        ...summarize(list),
      }));
      samples.clear();
      return out.sort((a, b) => b.totalMs - a.totalMs);
    },
  };
}
