import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openPgliteThread } from '../src/index.ts';
import { startOkServer } from './support/ok-server.ts';

// The embedded database on its own thread (the Db contract itself runs on it in db.test.ts, as
// engine "pglite-thread"): what the thread adds is that a statement does not hold the caller's
// event loop, and that the thread neither keeps an idle process alive nor outlives close().

describe('PGlite on its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteThread(null);
  });
  afterAll(() => db.close());

  it('answers an HTTP request while one long statement runs, before the statement ends', async () => {
    const server = await startOkServer();
    try {
      const order: string[] = [];
      // One statement of much CPU: on the caller's thread (openPglite) it would hold the event
      // loop from start to end, so the request below could only be answered after it.
      const statement = db
        .query('select count(*) from generate_series(1, 3000000) g where g % 7 = 3')
        .then(() => order.push('statement'));
      await server.get();
      order.push('http');
      await statement;
      expect(order).toEqual(['http', 'statement']);
    } finally {
      server.close();
    }
  });

  it('carries database errors with their SQLSTATE and fields', async () => {
    await db.exec('create table if not exists uniq (id int primary key)');
    await db.query('insert into uniq values (1)');
    const err = await db.query('insert into uniq values (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: 'uniq_pkey' });
    expect((err as Error).message).toMatch(/duplicate key/);
  });

  it('refuses statements once closed, with a message saying so', async () => {
    const other = await openPgliteThread(null);
    await other.close();
    await expect(other.query('select 1')).rejects.toThrow(/closed/);
  });
});
