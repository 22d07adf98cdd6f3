import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, queryOne } from '../src/index.ts';
import { EMBEDDED, ENGINES, type Engine, eventually, startEngine } from './support/engines.ts';

// The Db contract, identical on every engine: what callers may rely on whichever adapter they got.
describe.each(ENGINES)('Db on %s', (engineName) => {
  let engine: Engine;
  let db: Db;

  beforeAll(async () => {
    engine = await startEngine(engineName);
    db = await engine.open();
    await db.exec(`CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)`);
  });

  afterAll(async () => {
    await db?.close();
    await engine?.close();
  });

  it('binds parameters and returns typed rows', async () => {
    const { rows } = await db.query<{ n: number; s: string; missing: null }>(
      'SELECT $1::int AS n, $2::text AS s, $3::text AS missing',
      [41, "it's", null],
    );
    expect(rows).toEqual([{ n: 41, s: "it's", missing: null }]);
  });

  it('a named statement answers as an unnamed one, run after run, and node-postgres prepares it', async () => {
    const named = () => db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41], { name: 'db_test_named' });
    expect((await named()).rows).toEqual([{ n: 42 }]);
    expect((await named()).rows).toEqual([{ n: 42 }]);
    const prepared = await db.transaction(async (tx) => {
      await tx.query('SELECT $1::int + 1 AS n', [1], { name: 'db_test_named' });
      const { rows } = await tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
      return rows.map((r) => r.name);
    });
    // PGlite's adapters (on the caller's thread or its own) ignore the hint; node-postgres keeps
    // the statement on the connection.
    if (EMBEDDED.includes(engineName)) expect(prepared).not.toContain('db_test_named');
    else expect(prepared).toContain('db_test_named');
  });

  it('queryOne answers the first row, or null when there is none', async () => {
    await db.query(`INSERT INTO items (id, label) VALUES (900, 'first') ON CONFLICT (id) DO NOTHING`);
    expect(await queryOne<{ label: string }>(db, 'SELECT label FROM items WHERE id = $1', [900])).toEqual({
      label: 'first',
    });
    expect(await queryOne(db, 'SELECT label FROM items WHERE id = $1', [901])).toBeNull();
  });

  it('rowCount is the command tag count, as node-postgres reports it', async () => {
    await db.query('DELETE FROM items');
    const inserted = await db.query(
      `INSERT INTO items (id, label) SELECT g, 'item ' || g FROM generate_series(1, 5) g`,
    );
    expect(inserted.rowCount).toBe(5);
    expect((await db.query('SELECT * FROM items WHERE id <= $1', [3])).rowCount).toBe(3);
    expect((await db.query('SELECT * FROM items WHERE id > 100')).rowCount).toBe(0);
    expect((await db.query(`UPDATE items SET label = 'x' WHERE id IN (1, 2)`)).rowCount).toBe(2);
    const returning = await db.query(`UPDATE items SET label = 'y' WHERE id IN (3, 4) RETURNING id`);
    expect(returning.rowCount).toBe(2);
    // A statement whose command is SELECT counts the rows it returns, not the rows its CTE changed.
    const cte = await db.query(
      `WITH changed AS (UPDATE items SET label = 'z' RETURNING id) SELECT count(*)::int AS n FROM changed`,
    );
    expect(cte.rows).toEqual([{ n: 5 }]);
    expect(cte.rowCount).toBe(1);
    expect((await db.query('DELETE FROM items WHERE id > 100')).rowCount).toBe(0);
    expect((await db.query('DELETE FROM items WHERE id = 5')).rowCount).toBe(1);
  });

  it('exec runs a whole script, semicolons inside bodies and strings included', async () => {
    await db.exec(`
      -- a comment; with a semicolon
      CREATE TABLE script_notes (body text NOT NULL);
      INSERT INTO script_notes VALUES ('one; two;
three');
      CREATE FUNCTION script_double(n int) RETURNS int LANGUAGE plpgsql AS $$
      BEGIN
        RETURN n * 2;
      END;
      $$;
    `);
    const { rows } = await db.query<{ body: string; doubled: number }>(
      'SELECT body, script_double(21) AS doubled FROM script_notes',
    );
    expect(rows).toEqual([{ body: 'one; two;\nthree', doubled: 42 }]);
  });

  it('a transaction commits what it wrote when fn resolves, and returns its value', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO items (id, label) VALUES (10, 'committed')`);
      await tx.exec(`INSERT INTO items (id, label) VALUES (11, 'committed too')`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id >= 10')).rows[0];
    });
    expect(value).toEqual({ n: 2 });
    expect((await db.query('SELECT id FROM items WHERE id >= 10 ORDER BY id')).rows).toEqual([
      { id: 10 },
      { id: 11 },
    ]);
  });

  it('a transaction rolls back everything when fn throws, and rethrows', async () => {
    const failure = new Error('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (id, label) VALUES (20, 'rolled back')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (id, label) VALUES (21, 'rolled back')`);
        await tx.query('SELECT * FROM no_such_table');
      }),
    ).rejects.toMatchObject({ code: '42P01' });
    expect((await db.query('SELECT id FROM items WHERE id IN (20, 21)')).rows).toEqual([]);
    // The connection went back usable: the next transaction works.
    expect(await db.transaction(async (tx) => (await tx.query('SELECT 1 AS one')).rows)).toEqual([
      { one: 1 },
    ]);
  });

  it('listen delivers the payloads of its channel only, in order, until stopped', async () => {
    const received: string[] = [];
    const probe: string[] = [];
    // Channel names are taken as they are: case and punctuation kept.
    const channel = 'Jobs "ready".1';
    const stop = await db.listen(channel, (payload) => received.push(payload));
    const stopProbe = await db.listen(channel, (payload) => probe.push(payload));
    const stopOther = await db.listen('other_channel', () => received.push('wrong channel'));
    try {
      await db.query('SELECT pg_notify($1, $2)', [channel, 'first']);
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', [channel, 'second']);
        await tx.query('SELECT pg_notify($1, $2)', [channel, '']);
      });
      await eventually(() => received.length >= 3);
      expect(received).toEqual(['first', 'second', '']);

      await stop();
      await db.query('SELECT pg_notify($1, $2)', [channel, 'after stop']);
      // The probe still listens on the channel: once it has the notification, so would `stop`'s
      // listener have had it had it still been listening.
      await eventually(() => probe.includes('after stop'));
      expect(received).toEqual(['first', 'second', '']);
    } finally {
      await stopProbe();
      await stopOther();
    }
  });

  it('a rolled-back transaction sends no notification', async () => {
    const received: string[] = [];
    const stop = await db.listen('rollback_channel', (payload) => received.push(payload));
    try {
      await db
        .transaction(async (tx) => {
          await tx.query(`SELECT pg_notify('rollback_channel', 'never')`);
          throw new Error('abort');
        })
        .catch(() => undefined);
      await db.query(`SELECT pg_notify('rollback_channel', 'committed')`);
      await eventually(() => received.length > 0);
      expect(received).toEqual(['committed']);
    } finally {
      await stop();
    }
  });
});
