import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

describe('the platform serves the built dashboard', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let dir: string;

  beforeAll(async () => {
    // A build as Vite lays it out: index.html and hashed assets.
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    database = await openTestDatabase('pglite');
    t = await testPlatform(database.db, { roles: ['api'], dashboardDir: dir });
  });
  afterAll(async () => {
    await t.platform.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string) => t.platform.api!.inject({ method: 'GET', url });

  it('answers every page of the app with index.html under a strict CSP that no other site may frame', async () => {
    for (const page of [
      '/',
      '/sign-in',
      '/endpoints/ep_x',
      '/deliveries',
      '/deliveries/abc',
      '/dead-letters',
      '/health',
      '/catalogue',
      '/settings',
    ]) {
      const res = await get(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.body).toContain('<div id="root">');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('caches hashed assets for a year, and an unknown asset or API path is still a 404', async () => {
    const asset = await get('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await get('/assets/nope.js')).statusCode).toBe(404);
    expect((await get('/assets/../index.html')).statusCode).not.toBe(200);
    const api = await get('/v1/nope');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
  });
});
