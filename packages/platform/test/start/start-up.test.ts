import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickStartNext, quickStartSteps } from '../../src/quick-start.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

// Generous: the first start creates the embedded database, which is slow on a busy machine. The
// banner test runs before the port test, so the port test starts on a database that exists.
const START_TIMEOUT_MS = 180_000;
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));

/** Runs `npm start`'s entry point as a child process until it exits or `stopWhen` sees its output. */
function runMain(env: Record<string, string>, stopWhen?: (stdout: string) => boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stopWhen?.(stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  let dataDir: string;
  let taken: Server;
  let takenPort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bookflow-start-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'a duration without a unit stops the start naming the variable',
    async () => {
      const run = await runMain({ BOOKFLOW_RETRY_SCHEDULE: '5', BOOKFLOW_DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(/^Configuration error: BOOKFLOW_RETRY_SCHEDULE: .*"5" has no unit/);
    },
    START_TIMEOUT_MS,
  );

  it(
    'the banner prints the quick start of the README, step for step',
    async () => {
      const run = await runMain({ PORT: '0', HOST: '127.0.0.1', BOOKFLOW_DATA_DIR: dataDir }, (out) =>
        out.includes('API reference:'),
      );
      const tokenPath = join(dataDir, 'admin-token');
      const steps = quickStartSteps('http://127.0.0.1:0', `$(cat ${tokenPath})`);
      for (const step of steps) expect(run.stdout).toContain(`  ${step}\n`);
      expect(run.stdout).toContain(quickStartNext().join('\n'));

      const readme = readFileSync(README, 'utf8');
      const block = readme.split('```sh\nADMIN=')[1]?.split('```')[0];
      expect(`ADMIN=${block}`).toBe(
        `${quickStartSteps('localhost:8080', '$(cat .bookflow/admin-token)').join('\n')}\n`,
      );
      expect(readme).toContain(quickStartNext().join('\n'));
    },
    START_TIMEOUT_MS,
  );

  it(
    'a port in use is one line naming the port and the variable, without a stack trace',
    async () => {
      const run = await runMain({ PORT: String(takenPort), HOST: '127.0.0.1', BOOKFLOW_DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${takenPort} on 127.0.0.1 is already in use`);
      expect(lines[0]).toContain('PORT');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    START_TIMEOUT_MS,
  );
});

describe('GET / until the dashboard exists', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    // Where no dashboard build is: the plain page (the built dashboard is tested in test/dashboard).
    t = await testPlatform(database.db, { roles: ['api'], dashboardDir: '/nonexistent/dashboard/dist' });
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('without a dashboard build, is a small HTML page that links to /docs', async () => {
    const res = await t.platform.api!.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('href="/docs"');
    expect((await t.platform.api!.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
