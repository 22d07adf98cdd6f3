import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlatform, migrate, openPglite, type Platform, testConfig } from '@bookflow/platform';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/options.ts';
import { runSimulation } from '../src/run.ts';

const ADMIN = 'simulator-test-admin';

/** A real endpoint on 127.0.0.1 that keeps the event ids it was sent. */
async function receiver(): Promise<{ server: Server; url: string; ids: Set<string>; tests: number }> {
  const state = { ids: new Set<string>(), tests: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const envelope = JSON.parse(body) as { id: string; test?: boolean };
      state.ids.add(envelope.id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, ...state, ids: state.ids };
}

async function call(base: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The full "10-minute simulated day at 20 calls/s" is about 12,000 calls and 33,000
 * publishes; on PGlite that takes minutes, not seconds, so `npm test` plays the first 10 simulated
 * seconds of that day (200 calls, same rate, same seed) and BOOKFLOW_SIMULATOR_FULL_DAY=1 plays all
 * of it. The whole day's stream is generated and checked without a platform in stream.test.ts.
 */
const FULL_DAY = process.env.BOOKFLOW_SIMULATOR_FULL_DAY === '1';
const WINDOW_MS = FULL_DAY ? 10 * 60_000 : 10_000;
const CALLS = (WINDOW_MS / 1000) * 20;

describe('the simulator against a running platform (PGlite)', () => {
  let platform: Platform;
  let base: string;
  let hook: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    const db = await openPglite(null);
    await migrate(db);
    platform = await createPlatform(
      testConfig({
        masterKey: Buffer.alloc(32, 7),
        adminToken: ADMIN,
        host: '127.0.0.1',
        port: 0,
        allowPrivateDestinations: true,
        apiRateLimitPerMinute: 0,
      }),
      { db, logger: pino({ level: 'silent' }) },
    );
    await platform.start();
    base = `http://127.0.0.1:${(platform.api!.server.address() as AddressInfo).port}`;
    hook = await receiver();
  });

  afterAll(async () => {
    await platform.stop();
    hook.server.closeAllConnections();
    await new Promise((r) => hook.server.close(r));
    await platform.db.close();
  });

  it(`plays ${WINDOW_MS / 1000} simulated seconds at 20 calls/s in test mode: every event accepted, stored and delivered`, async () => {
    const account = await call(base, ADMIN, 'POST', '/v1/accounts', { name: 'Simulated Co' });
    const testKey = (
      await call(base, account.body.api_key as string, 'POST', '/v1/api-keys', { mode: 'test' })
    ).body.key as string;
    const testAccount = (await call(base, testKey, 'GET', '/v1/account')).body.id as string;
    const endpoint = await call(base, testKey, 'POST', '/v1/endpoints', {
      url: hook.url,
      event_types: ['meeting.completed'],
    });
    expect(endpoint.status).toBe(201);

    const progress: string[] = [];
    const report = await runSimulation(
      {
        ...DEFAULTS,
        seed: 2026,
        rate: 20,
        durationMs: WINDOW_MS,
        leads: 15_000,
        speed: Infinity,
        concurrency: 32,
        url: base,
        apiKey: testKey,
        dryRun: false,
        quiet: true,
      },
      {
        progress: (line) =>
          process.env.BOOKFLOW_SIMULATOR_PROGRESS ? console.error(line) : progress.push(line),
      },
    );

    expect(report.failures).toEqual([]);
    expect(report.skippedCalls).toBe(0);
    const calls = report.tally.byType.get('call.started')!;
    expect(calls).toBeGreaterThan(CALLS * 0.85);
    expect(calls).toBeLessThan(CALLS * 1.15);
    expect(report.sent).toBe(report.tally.events);
    const { rows } = await platform.db.query<{ type: string; n: number }>(
      'select type, count(*)::int as n from events where account_id = $1 group by type',
      [testAccount],
    );
    expect(new Map(rows.map((r) => [r.type, r.n]))).toEqual(report.tally.byType);
    // The live account got none of it.
    const live = await platform.db.query<{ n: number }>(
      'select count(*)::int as n from events where account_id = $1',
      [account.body.id],
    );
    expect(live.rows[0]!.n).toBe(0);

    const completed = report.tally.byType.get('meeting.completed')!;
    expect(completed).toBeGreaterThan(0);
    const deadline = Date.now() + 120_000;
    while (hook.ids.size < completed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(hook.ids.size).toBe(completed);
  }, 1_800_000);
});
