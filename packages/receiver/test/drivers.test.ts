import { describe, expect, it } from 'vitest';
import { MissingDriverError } from '../src/index.ts';
import { loadDriver } from '../src/stores/drivers.ts';

describe('store drivers (optional peer dependencies)', () => {
  it('names the missing package and the command that installs it', async () => {
    const loading = loadDriver('bookflow-driver-that-is-not-installed', 'The test store');
    await expect(loading).rejects.toBeInstanceOf(MissingDriverError);
    await expect(loading).rejects.toThrow(
      'The test store needs the "bookflow-driver-that-is-not-installed" package, which is not installed: npm install bookflow-driver-that-is-not-installed',
    );
  });

  it('loads an installed driver only when asked', async () => {
    const driver = await loadDriver<{ default: { Pool: unknown } }>('pg', 'The PostgreSQL store');
    expect(typeof driver.default.Pool).toBe('function');
  });
});
