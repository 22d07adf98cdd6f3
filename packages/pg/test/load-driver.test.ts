import { describe, expect, it } from 'vitest';
import { loadDriver } from '../src/load-driver.ts';

describe('loading a driver', () => {
  it('a missing package is named, with the command that installs it', async () => {
    // A specifier held in a variable, so neither TypeScript nor the test runner resolves it early.
    const missing = 'bookflow-no-such-driver';
    const failure = await loadDriver(missing, 'The test store', () => import(missing)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`"${missing}"`);
    expect((failure as Error).message).toContain(`npm install ${missing}`);
    expect((failure as Error).cause).toBeDefined();
  });

  it('any other failure while loading is passed on unchanged', async () => {
    const broken = new Error('driver crashed at load');
    await expect(loadDriver('pg', 'The PostgreSQL store', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('an installed driver loads', async () => {
    const { default: pg } = await loadDriver('pg', 'The PostgreSQL store', () => import('pg'));
    expect(typeof pg.Pool).toBe('function');
    const { PGlite } = await loadDriver(
      '@electric-sql/pglite',
      'The embedded PGlite store',
      () => import('@electric-sql/pglite'),
    );
    expect(typeof PGlite.create).toBe('function');
  });
});
