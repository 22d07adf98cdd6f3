import { loadDriver } from '@bookflow/pg';
import { describe, expect, it } from 'vitest';
import { MissingDriverError } from '../src/index.ts';

describe('store drivers (optional peer dependencies)', () => {
  it('names the missing package and the command that installs it', async () => {
    // A specifier held in a variable, so neither TypeScript nor the test runner resolves it early.
    const missing = 'bookflow-driver-that-is-not-installed';
    const loading = loadDriver(missing, 'The test store', () => import(missing));
    await expect(loading).rejects.toBeInstanceOf(MissingDriverError);
    await expect(loading).rejects.toThrow(
      `The test store needs the "${missing}" package, which is not installed: npm install ${missing}`,
    );
  });

  it('loads an installed driver only when asked', async () => {
    const driver = await loadDriver('pg', 'The PostgreSQL store', () => import('pg'));
    expect(typeof driver.default.Pool).toBe('function');
  });
});
