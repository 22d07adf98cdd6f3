import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, isConnectionLost, isRetryable } from '../src/index.ts';
import {
  type Engine,
  eventually,
  POSTGRES_ENGINES,
  startEngine,
  terminateBackends,
} from './support/engines.ts';

// What a PostgreSQL restart or failover does to a running process, done by terminating backends
// (pg_terminate_backend) of a test database: nothing may crash the process (vitest reports an
// 'error' event without a listener as an unhandled error and fails the run), the pool must come
// back by itself, and LISTEN must come back without being asked.
describe.each(POSTGRES_ENGINES)('connection loss on %s', (engineName) => {
  let engine: Engine;
  let db: Db;
  const reported: Error[] = [];

  beforeAll(async () => {
    engine = await startEngine(engineName);
    db = await engine.open((error) => reported.push(error));
  });

  afterAll(async () => {
    await db?.close();
    await engine?.close();
  });

  it('a transaction whose backend is terminated rejects with a retryable error; the next one works', async () => {
    const failed = await db
      .transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await terminateBackends(engine.databaseName!, 'SELECT pg_backend_pid()%');
        expect(rows[0]!.pid).toBeGreaterThan(0);
        await tx.query('SELECT 1');
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failed).not.toBeNull();
    expect(isConnectionLost(failed)).toBe(true);
    expect(isRetryable(failed)).toBe(true);
    expect(await db.transaction(async (tx) => (await tx.query('SELECT 2 AS two')).rows)).toEqual([
      { two: 2 },
    ]);
  });

  it('idle pooled connections terminated under the pool are reported and replaced', async () => {
    // Several connections in the pool, then idle.
    await Promise.all(Array.from({ length: 3 }, () => db.query('SELECT pg_sleep(0.05)')));
    const before = reported.length;
    const terminated = await terminateBackends(engine.databaseName!, 'SELECT pg_sleep%');
    expect(terminated).toBeGreaterThan(0);
    // Until the pool has heard of each one it may still hand a dead client out (a query then fails
    // with a retryable error: withRetries' case); once it has, it connects afresh.
    await eventually(() => reported.length >= before + terminated);
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('LISTEN comes back by itself after its connection is terminated, and says so', async () => {
    const received: string[] = [];
    const stop = await db.listen('reconnecting', (payload) => received.push(payload));
    try {
      await db.query(`SELECT pg_notify('reconnecting', 'before')`);
      await eventually(() => received.includes('before'));

      const before = reported.length;
      expect(await terminateBackends(engine.databaseName!, 'LISTEN%')).toBe(1);
      await eventually(() => reported.length > before);
      // Notifications sent before the new LISTEN are lost (callers poll as well): keep sending
      // until one arrives through the new connection.
      let n = 0;
      await eventually(async () => {
        await db.query('SELECT pg_notify($1, $2)', ['reconnecting', `after ${++n}`]);
        return received.some((p) => p.startsWith('after'));
      }, 50);
      // Exactly one connection listens again: no duplicate listener was left behind.
      const listening = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(listening.rows).toEqual([{ n: 1 }]);
    } finally {
      await stop();
    }
    const after = received.length;
    await db.query(`SELECT pg_notify('reconnecting', 'after stop')`);
    // A fresh listener on the same channel sees the next notification; the stopped one does not.
    const probe: string[] = [];
    const stopProbe = await db.listen('reconnecting', (payload) => probe.push(payload));
    await db.query(`SELECT pg_notify('reconnecting', 'probe')`);
    await eventually(() => probe.includes('probe'));
    await stopProbe();
    expect(received.length).toBe(after);
  });

  it('a listener stopped while its connection is down stays stopped', async () => {
    const received: string[] = [];
    const stop = await db.listen('stopped_while_down', (payload) => received.push(payload));
    const before = reported.length;
    await terminateBackends(engine.databaseName!, 'LISTEN%');
    await eventually(() => reported.length > before);
    await stop();
    const probe: string[] = [];
    const stopProbe = await db.listen('stopped_while_down', (payload) => probe.push(payload));
    // Long enough for any pending reconnection (first pause 100 ms) to have happened, if one were left.
    let n = 0;
    await eventually(async () => {
      await db.query('SELECT pg_notify($1, $2)', ['stopped_while_down', `n${++n}`]);
      return n >= 10 && probe.length > 0;
    }, 50);
    await stopProbe();
    expect(received).toEqual([]);
  });
});
