import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, isConnectionLost, isDatabaseUnavailable, isRetryable, withRetries } from '../src/index.ts';
import { ENGINES, type Engine, startEngine } from './support/engines.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('retryable-error classification', () => {
  it('a lost race is retryable, and the connection stays usable', () => {
    for (const code of ['40001', '40P01']) {
      expect(isRetryable(withCode(code))).toBe(true);
      expect(isConnectionLost(withCode(code))).toBe(false);
    }
  });

  it('a lost connection is retryable, and the connection is not reused', () => {
    for (const code of ['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE']) {
      expect(isRetryable(withCode(code))).toBe(true);
      expect(isConnectionLost(withCode(code))).toBe(true);
    }
    // node-postgres reports a socket closed under it by message, without a code.
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isConnectionLost(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
  });

  it('an unreachable or full database is unavailable (a 503 for a server); a lost race or a refused row is not', () => {
    for (const code of ['57P01', '57P03', '08006', '08001', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    for (const error of [
      withCode('40001'),
      withCode('23505'),
      withCode('22021'),
      withCode('constructor'),
      null,
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });

  it('anything about the statement itself is neither', () => {
    for (const error of [
      withCode('23505'),
      withCode('42P01'),
      withCode('constructor'),
      new Error('x'),
      null,
      'x',
    ]) {
      expect(isRetryable(error)).toBe(false);
      expect(isConnectionLost(error)).toBe(false);
    }
  });
});

describe('withRetries', () => {
  it('runs again after a retryable failure, up to the attempts given', async () => {
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw withCode('40001');
        return 'done';
      },
      3,
      1,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);

    calls = 0;
    const lastFailure = withCode('40P01', 'third');
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw calls === 3 ? lastFailure : withCode('40P01');
        },
        3,
        1,
      ),
    ).rejects.toBe(lastFailure);
    expect(calls).toBe(3);
  });

  it('does not repeat a statement that failed on its content', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls += 1;
        throw withCode('23505');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});

// The codes come from the engines themselves, not only from the table above.
describe.each(ENGINES)('errors raised by %s', (engineName) => {
  let engine: Engine;
  let db: Db;

  beforeAll(async () => {
    engine = await startEngine(engineName);
    db = await engine.open();
    await db.exec('CREATE TABLE uniques (id int PRIMARY KEY)');
  });

  afterAll(async () => {
    await db?.close();
    await engine?.close();
  });

  it('a unique violation and a syntax error carry their SQLSTATE and are not retryable', async () => {
    await db.query('INSERT INTO uniques VALUES (1)');
    const duplicate = await db.query('INSERT INTO uniques VALUES (1)').catch((error: unknown) => error);
    expect(duplicate).toMatchObject({ code: '23505' });
    expect(isRetryable(duplicate)).toBe(false);
    const syntax = await db.query('SELEC 1').catch((error: unknown) => error);
    expect(syntax).toMatchObject({ code: '42601' });
    expect(isRetryable(syntax)).toBe(false);
  });

  it('a serialization failure carries 40001 and is retryable', async () => {
    const failure = await db
      .transaction(async (tx) => {
        await tx.query(`SELECT 1`);
        // Raised from SQL, as PostgreSQL raises it, so both engines report the same thing.
        await tx.exec(
          `DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$`,
        );
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: '40001' });
    expect(isRetryable(failure)).toBe(true);
    expect(isConnectionLost(failure)).toBe(false);
  });
});
