import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, loadMigrations, type MigrationSet, migrate } from '../src/index.ts';
import { ENGINES, type Engine, startEngine } from './support/engines.ts';

const folders: string[] = [];

/** A migrations folder holding these files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bookflow-pg-migrations-'));
  folders.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('loadMigrations', () => {
  it('reads numbered .sql files in order and ignores anything else', () => {
    const dir = folder({
      '0002_second.sql': 'SELECT 2;',
      '0001_first.sql': 'SELECT 1;',
      'README.md': 'not a migration',
      '0003_draft.sql.bak': 'SELECT 3;',
    });
    expect(loadMigrations(dir)).toEqual([
      { version: 1, name: '0001_first', sql: 'SELECT 1;' },
      { version: 2, name: '0002_second', sql: 'SELECT 2;' },
    ]);
  });

  it('refuses two files with the same number', () => {
    const dir = folder({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;' });
    expect(() => loadMigrations(dir)).toThrow(/two migrations numbered 1/);
  });
});

describe.each(ENGINES)('migrate on %s', (engineName) => {
  let engine: Engine;
  let db: Db;
  let n = 0;
  /** A set with its own history table and lock key, so tests in this file never share one. */
  const set = (files: Record<string, string>): MigrationSet => {
    n += 1;
    return { dir: folder(files), table: `test_migrations_${n}`, lockKey: 9_000 + n };
  };

  beforeAll(async () => {
    engine = await startEngine(engineName);
    db = await engine.open();
  });

  afterEach(async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  });

  afterAll(async () => {
    await db?.close();
    await engine?.close();
  });

  it('applies each file once, in order, as a whole script, and records it', async () => {
    const files = {
      '0001_tables.sql': `-- a comment; with a semicolon
        CREATE TABLE things (id int PRIMARY KEY, note text);
        INSERT INTO things VALUES (1, 'a; b');`,
      '0002_function.sql': `CREATE FUNCTION things_count() RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
          RETURN (SELECT count(*) FROM things);
        END;
        $$;`,
    };
    const s = set(files);
    expect(await migrate(db, s)).toEqual([1, 2]);
    expect(await migrate(db, s)).toEqual([]);
    expect((await db.query('SELECT note, things_count() AS n FROM things')).rows).toEqual([
      { note: 'a; b', n: 1 },
    ]);
    const { rows } = await db.query(`SELECT version, name FROM ${s.table} ORDER BY version`);
    expect(rows).toEqual([
      { version: 1, name: '0001_tables' },
      { version: 2, name: '0002_function' },
    ]);
  });

  it('applies only what is new when a file is added later', async () => {
    const s = set({ '0001_a.sql': 'CREATE TABLE a (id int);' });
    expect(await migrate(db, s)).toEqual([1]);
    writeFileSync(join(s.dir as string, '0002_b.sql'), 'CREATE TABLE b (id int);');
    expect(await migrate(db, s)).toEqual([2]);
  });

  it('a failing migration leaves nothing of itself and stops the ones after it', async () => {
    const s = set({
      '0001_ok.sql': 'CREATE TABLE ok (id int);',
      '0002_broken.sql': 'CREATE TABLE half (id int); INSERT INTO no_such_table VALUES (1);',
      '0003_later.sql': 'CREATE TABLE later (id int);',
    });
    await expect(migrate(db, s)).rejects.toMatchObject({ code: '42P01' });
    const tables = await db.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.name)).toEqual(['ok', s.table]);
    expect((await db.query(`SELECT version FROM ${s.table}`)).rows).toEqual([{ version: 1 }]);
  });

  it('two sets in one database keep their own histories', async () => {
    const platform = set({ '0001_initial.sql': 'CREATE TABLE platform_things (id int);' });
    const receiver = set({ '0001_receiver_tables.sql': 'CREATE TABLE receiver_things (id int);' });
    expect(await migrate(db, platform)).toEqual([1]);
    expect(await migrate(db, receiver)).toEqual([1]);
    expect((await db.query(`SELECT name FROM ${platform.table}`)).rows).toEqual([{ name: '0001_initial' }]);
    expect((await db.query(`SELECT name FROM ${receiver.table}`)).rows).toEqual([
      { name: '0001_receiver_tables' },
    ]);
  });

  it('several migrators starting at once apply each migration exactly once', async () => {
    const files: Record<string, string> = {};
    for (let v = 1; v <= 4; v++) {
      // Not idempotent: a second run of any file would fail on the existing table.
      files[`000${v}_step.sql`] = `CREATE TABLE step_${v} (id int); INSERT INTO step_${v} VALUES (${v});`;
    }
    const s = set(files);
    const racers = await Promise.all(Array.from({ length: 5 }, () => engine.open()));
    try {
      const applied = await Promise.all(racers.map((racer) => migrate(racer, s)));
      expect(applied.flat().sort()).toEqual([1, 2, 3, 4]);
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s.table}`);
      expect(rows).toEqual([{ n: 4 }]);
    } finally {
      await Promise.all(racers.map((racer) => racer.close()));
    }
  });
});
