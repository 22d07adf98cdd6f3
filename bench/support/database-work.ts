// The database side of a platform delivery run: where the worker waited on statements, and how many
// statements and rows each delivery cost, beside the plain PostgreSQL queue of the same run.
import type { DeliveryRun } from './delivery-run.ts';
import { ms, num, type Table } from './table.ts';
import type { TableWrites } from './table-writes.ts';
import { CLAIMS, type StatementTiming, TRANSACTIONS } from './timed-db.ts';

export type RunWithWrites = DeliveryRun & { writes: Map<string, TableWrites> };

export function statementTable(statements: StatementTiming[]): Table {
  return {
    title: 'Where the platform worker waits on the database (1 endpoint, backlog run)',
    headers: ['statement (first words)', 'count', 'p50', 'p99', 'total'],
    rows: statements
      .slice(0, 8)
      .map((s) => [s.statement, num(s.count), ms(s.p50), ms(s.p99), `${num(s.totalMs / 1000, 1)} s`]),
    notes: [
      'Wall time per statement as seen by the worker (pool wait + round trip + execution); statements overlap, up to the pool size at once.',
    ],
  };
}

/** Statements and rows written per delivery: the platform beside the plain queue, same run. */
export function workTable(
  platform: RunWithWrites,
  statements: StatementTiming[],
  plain: RunWithWrites | undefined,
): Table {
  const per = (n: number, deliveries: number) => num(n / deliveries, 3);
  const rows: string[][] = [];
  const counted = statements.filter((s) => s.statement !== CLAIMS && s.statement !== TRANSACTIONS);
  const total = counted.reduce((a, s) => a + s.count, 0);
  rows.push(['platform: statements (all)', per(total, platform.deliveries), '', '']);
  for (const s of counted.slice(0, 5))
    rows.push([`platform: \`${s.statement.slice(0, 48)}…\``, per(s.count, platform.deliveries), '', '']);
  const writeRows = (who: string, writes: Map<string, TableWrites>, deliveries: number) => {
    for (const [table, w] of [...writes].sort())
      rows.push([
        `${who}: rows written in ${table}`,
        '',
        `${per(w.inserted, deliveries)} inserted, ${per(w.updated, deliveries)} updated`,
        per(w.updated - w.hot, deliveries),
      ]);
  };
  writeRows('platform', platform.writes, platform.deliveries);
  if (plain) writeRows('plain queue', plain.writes, plain.deliveries);
  return {
    title: 'Database work per delivery (1 endpoint, backlog run)',
    headers: ['what', 'statements per delivery', 'rows per delivery', 'non-HOT updates per delivery'],
    rows,
    notes: [
      "Statements: counted by the worker's Db wrapper. Rows: PostgreSQL's pg_stat_user_tables of the run database, before the worker started and after it stopped.",
      'A non-HOT update adds an entry to every index of its table whose condition the new row meets (the platform’s deliveries table has 8, 4 of them partial on status: a claim writes 5 entries and a success 4; bench/delivery-index-entries.ts counts them).',
    ],
  };
}
